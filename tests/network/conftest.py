"""Browser tests of the directory pages share the accounts' Chromium page with axe (`tests.accounts.test_browser`)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")
