"""Helpers for the browser tests that drive Material's own widgets (imported after selenium is known present)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def search(driver, query: str, expected: str, wait: float) -> list[str]:
    """Type ``query`` into Material's search box; wait for a result containing ``expected``; all result texts."""
    # On a wide window the search form is in the header; on a narrow one it opens from the header's search button.
    box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
    if box.is_displayed():
        box.click()
    else:
        next(e for e in driver.find_elements(By.CSS_SELECTOR, "label[for=__search]") if e.is_displayed()).click()
        WebDriverWait(driver, wait).until(EC.visibility_of(box))
    box.clear()
    box.send_keys(query)

    def found(d):
        # Read in one script call: the list re-renders while the index loads, so element handles go stale.
        # The index separates Chinese words with zero-width spaces (jieba); what a visitor reads has none.
        texts = d.execute_script("return [...document.querySelectorAll('.md-search-result__item')]"
                                 ".map(e => e.innerText.replace(/\\u200b/g, ''))")
        return texts if any(expected in t for t in texts) else False

    def meta(d):
        return d.execute_script(
            "return [...document.querySelectorAll('.md-search-result__meta')].map(e => e.innerText)")

    return WebDriverWait(driver, wait).until(
        found, f"no search result containing {expected!r} for {query!r}; meta: {meta(driver)}")
