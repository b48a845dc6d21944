"""One module per CRM export format. Each exposes ``FORMAT`` (a :class:`~privacygap.inventory.base.Format`)."""
