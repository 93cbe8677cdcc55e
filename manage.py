#!/usr/bin/env python
from anchordesk.__main__ import main

if __name__ == "__main__":
    main()
