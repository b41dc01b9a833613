"""Times the desk's article list in headless Chromium (see bench/desk.sh).

Usage: desk.py BASE_URL EMAIL PASSWORD ROUNDS  — prints JSON with the
median and p90 of `open` and `switch` in milliseconds. Times are taken in the
page with User Timing: from the start of the navigation (or the click on a
tab) to the desk's `desk:articles-listed` mark, set when a page of rows is on
screen, so WebDriver's round trips do not count.
"""

import json
import statistics
import sys

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, email, password, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

options = webdriver.ChromeOptions()
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 30)

# The desk marks `desk:articles-listed` (User Timing) each time a page of the
# list is on screen; its startTime counts from the navigation's start.
MARKS = "return performance.getEntriesByName('desk:articles-listed').map(m => m.startTime)"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


try:
    driver.get(f"{base}/desk")
    wait.until(lambda d: d.find_elements(By.XPATH, "//button[normalize-space()='Sign in']"))
    driver.find_element(By.XPATH, "//label[normalize-space()='E-mail']/following::input[1]").send_keys(email)
    driver.find_element(By.XPATH, "//label[normalize-space()='Password']/following::input[1]").send_keys(password)
    driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "tbody tr"))

    opens, switches = [], []
    for _ in range(rounds):
        # A fresh load of the page: modules from the browser's cache, the
        # session from the refresh cookie, then the first page of the list.
        driver.get("about:blank")
        driver.get(f"{base}/desk#/articles")
        wait.until(lambda d: d.execute_script(MARKS))
        opens.append(driver.execute_script(MARKS)[0])
        for label in ("Published", "All"):
            seen = len(driver.execute_script(MARKS))
            start = driver.execute_script(
                "const t = performance.now();"
                "[...document.querySelectorAll('.tabs a')].find(a => a.textContent.trim() === arguments[0]).click();"
                "return t;",
                label,
            )
            wait.until(lambda d: len(d.execute_script(MARKS)) > seen)
            switches.append(driver.execute_script(MARKS)[seen] - start)
    print(json.dumps({
        "open": {"median": statistics.median(opens), "p90": percentile(opens, 0.9)},
        "switch": {"median": statistics.median(switches), "p90": percentile(switches, 0.9)},
    }))
finally:
    driver.quit()
