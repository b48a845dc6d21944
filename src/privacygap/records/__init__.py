"""The DPO's compliance records (``--records FILE``): vendor list with AVV and transfer
instruments, records of processing (VVT), dialer settings and the first-contact call script.

:func:`privacygap.records.load.load_records` reads the file (docs/records.md);
:mod:`privacygap.records.model` holds the dataclasses the checks read.
"""
