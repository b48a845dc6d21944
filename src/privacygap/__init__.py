"""privacygap: finds what a company's CRM stores and its website does, but its privacy statement does not say."""

__version__ = "0.1.0"
__all__ = ["__version__"]
