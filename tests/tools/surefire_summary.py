"""Prints one summary of Maven Surefire's XML reports (mvn -q hides Surefire's own):
a line per test class, then `JUnit: N passed, M failed, K skipped`, the line
tests/tools/test-all.sh counts.  Usage: surefire_summary.py [REPORTS_DIR]"""
import glob
import sys
import xml.etree.ElementTree as ET

reports = sys.argv[1] if len(sys.argv) > 1 else "target/surefire-reports"
total = failed = skipped = 0
for path in sorted(glob.glob(f"{reports}/TEST-*.xml")):
    root = ET.parse(path).getroot()
    n, fl, e, sk = (int(root.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    print(f"  {root.get('name')}: {n} tests, {fl + e} failed, {sk} skipped")
    total += n
    failed += fl + e
    skipped += sk
print(f"JUnit: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
