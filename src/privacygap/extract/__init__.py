"""privacygap.extract"""
