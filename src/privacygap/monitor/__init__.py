"""privacygap.monitor"""
