from ledger.models.journal import Account, Entry, Line

__all__ = ["Account", "Entry", "Line"]
