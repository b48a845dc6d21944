"""privacygap.inventory"""
