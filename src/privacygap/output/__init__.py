"""privacygap.output"""
