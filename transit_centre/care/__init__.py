"""Services given to residents: meals, NFI kits, medical care, MHPSS, counselling and referrals.

Confidential notes (medical, MHPSS) are enforced here, not only hidden in the screens.
"""
