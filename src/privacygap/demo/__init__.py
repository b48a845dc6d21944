"""privacygap.demo"""
