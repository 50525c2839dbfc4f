"""Pure readers over artifacts: page regions, entries (留言, 长者版, 年报), list dates, page types.

No browser and no network: checks and the crawler share these readings of a rendered page.
"""
