"""Printed documents (reportlab, A4): one module per document with ``render(data, language) -> bytes``.

Templates receive frozen dataclasses of already formatted values (``printing.data``) from the
service layer (``transit_centre.documents``) and never query the database nor import Qt.
"""
