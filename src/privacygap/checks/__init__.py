"""privacygap.checks"""
