"""privacygap.crawl"""
