"""Protection rules on a resident: flags with operational effect and consents."""
