"""Synthetic names by nationality for demo and training data (no real person)."""
from __future__ import annotations

# nationality: (male first names, female first names, family names)
NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "ML": (["Moussa", "Amadou", "Oumar", "Seydou", "Bakary", "Mamadou", "Ibrahim", "Souleymane", "Adama", "Boubacar", "Lassana", "Cheick"],
           ["Aïssata", "Fatoumata", "Mariam", "Kadiatou", "Awa", "Oumou", "Djénéba", "Assétou", "Hawa", "Nana", "Kadidia", "Rokia"],
           ["Traoré", "Keïta", "Coulibaly", "Diarra", "Koné", "Sissoko", "Touré", "Diallo", "Cissé", "Maïga", "Sangaré", "Doumbia", "Dembélé", "Kanté", "Samaké"]),
    "GN": (["Alpha", "Mamadou", "Ibrahima", "Sékou", "Thierno", "Ousmane", "Abdoulaye", "Lansana", "Mohamed", "Alseny"],
           ["Mariama", "Fatoumata", "Aïssatou", "Kadiatou", "Hadja", "M'Mah", "Fanta", "Djénabou", "Ramatoulaye"],
           ["Bah", "Barry", "Diallo", "Camara", "Sylla", "Soumah", "Condé", "Kourouma", "Sow", "Baldé", "Touré"]),
    "CI": (["Kouadio", "Yao", "Koffi", "Konan", "Serge", "Didier", "Ange", "Jean-Baptiste", "Arsène"],
           ["Aya", "Adjoua", "Affoué", "Amenan", "Christelle", "Estelle", "Nadège", "Prisca"],
           ["Kouassi", "N'Guessan", "Kouamé", "Yao", "Ouattara", "Bamba", "Koné", "Gbagbo", "Zadi", "Tanoh"]),
    "SN": (["Modou", "Cheikh", "Babacar", "Ousmane", "Pape", "Mamadou", "Abdou", "Serigne", "Ibrahima"],
           ["Fatou", "Awa", "Aminata", "Ndèye", "Khady", "Coumba", "Astou", "Mame", "Sokhna"],
           ["Ndiaye", "Diop", "Fall", "Sow", "Gueye", "Faye", "Sarr", "Mbaye", "Ndour", "Diouf", "Thiam"]),
    "NG": (["Chinedu", "Emeka", "Tunde", "Ibrahim", "Samuel", "Godwin", "Musa", "Oluwaseun", "Uche"],
           ["Blessing", "Joy", "Precious", "Favour", "Chioma", "Ngozi", "Esther", "Gift", "Mercy", "Osas"],
           ["Okafor", "Adeyemi", "Okonkwo", "Eze", "Bello", "Ogunleye", "Nwosu", "Osagie", "Igbinedion", "Abubakar"]),
    "SL": (["Abdul", "Mohamed", "Alhaji", "Ibrahim", "Foday", "Sahr", "Joseph", "Abu"],
           ["Fatmata", "Isatu", "Aminata", "Mariatu", "Hawa", "Kadiatu", "Adama"],
           ["Kamara", "Sesay", "Koroma", "Conteh", "Bangura", "Turay", "Kargbo", "Jalloh", "Mansaray"]),
    "CM": (["Jean", "Paul", "Emmanuel", "Hervé", "Boris", "Stéphane", "Achille", "Rodrigue"],
           ["Marie", "Brigitte", "Solange", "Carine", "Mireille", "Sandrine", "Laure"],
           ["Mbarga", "Nkoulou", "Fotso", "Tchoumi", "Essomba", "Ndongo", "Kamga", "Ngono", "Atangana"]),
    "BF": (["Issouf", "Boureima", "Salif", "Hamidou", "Rasmané", "Karim", "Adama", "Idrissa"],
           ["Salimata", "Rasmata", "Aminata", "Mariam", "Alimata", "Bintou", "Zénabo"],
           ["Ouédraogo", "Sawadogo", "Compaoré", "Kaboré", "Zongo", "Traoré", "Ilboudo", "Kiemtoré"]),
    "NE": (["Abdoulaye", "Hamani", "Moussa", "Issoufou", "Mahamadou", "Ali", "Souley", "Habibou"],
           ["Hadiza", "Zeinabou", "Mariama", "Rakia", "Halima", "Fati", "Safiatou"],
           ["Issa", "Moussa", "Hama", "Garba", "Abdou", "Boubacar", "Seyni", "Oumarou"]),
    "GM": (["Lamin", "Ebrima", "Modou", "Ousman", "Alieu", "Musa", "Bakary"],
           ["Isatou", "Fatou", "Mariama", "Haddy", "Binta", "Awa", "Ndey"],
           ["Jallow", "Ceesay", "Bah", "Touray", "Sanneh", "Darboe", "Jobe", "Njie"]),
    "LR": (["Emmanuel", "Joseph", "Prince", "Moses", "Samuel", "Varney"],
           ["Comfort", "Patience", "Princess", "Musu", "Gbessay"],
           ["Kollie", "Flomo", "Johnson", "Doe", "Kpoto", "Sirleaf"]),
    "GH": (["Kwame", "Kofi", "Kwabena", "Yaw", "Kojo", "Emmanuel"],
           ["Ama", "Akosua", "Abena", "Adwoa", "Efua", "Grace"],
           ["Mensah", "Owusu", "Asante", "Boateng", "Osei", "Appiah"]),
    "TG": (["Komi", "Kodjo", "Yawo", "Kossi", "Edem"],
           ["Afi", "Akossiwa", "Ayélé", "Dédé", "Enyonam"],
           ["Agbeko", "Amouzou", "Koffi", "Lawson", "Mensah"]),
    "BJ": (["Codjo", "Sèna", "Rodrigue", "Gildas", "Romaric"],
           ["Ablawa", "Sènami", "Rachida", "Chimène", "Bernadette"],
           ["Houngbédji", "Dossou", "Adjovi", "Hounkpatin", "Agossou"]),
}

# Share of residents per nationality, roughly as in the 2022 figures (mostly Malians returning
# home, then international migrants from the region; trafficking victims mostly Nigerian women).
NATIONALITY_WEIGHTS: dict[str, int] = {
    "ML": 60, "GN": 9, "CI": 5, "SN": 4, "NG": 6, "SL": 3, "CM": 3, "BF": 3, "NE": 2, "GM": 2,
    "LR": 1, "GH": 1, "TG": 0.5, "BJ": 0.5,
}

ARRIVED_FROM = ["Algérie", "Libye", "Niger (Agadez)", "Mauritanie", "Tamanrasset", "Poste frontière de Gogui",
                "Aéroport de Bamako", "Gao (autogare)", "Référé par la Croix-Rouge malienne",
                "Référé par la police des frontières", "Tunisie", "Maroc"]

MALI_REGIONS = ["Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal",
                "Ménaka", "Taoudénit", "Bamako"]
