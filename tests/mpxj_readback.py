#!/usr/bin/env python3
"""Reads a warmshell MSPDI export back with MPXJ and compares it with the
JSON export of the same scenario: the same tasks (uid, name, outline level,
summary and milestone flags), the same start and finish dates (at midnight),
durations in days, and the same finish-to-start links with their lags.

Usage: mpxj_readback.py EXPORT.xml EXPORT.json
Exit 0 when everything matches (one summary line on stdout), 1 with every
mismatch listed, 3 when mpxj, jpype or Java is missing.
"""

import json
import sys


def main(xml_path, json_path):
    try:
        import jpype
        import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)
    except ImportError as e:
        print(f"mpxj is not installed: {e}", file=sys.stderr)
        return 3
    try:
        jpype.startJVM()
    except Exception as e:  # no Java
        print(f"cannot start Java: {e}", file=sys.stderr)
        return 3
    from org.mpxj import RelationType, TimeUnit
    from org.mpxj.mspdi import MSPDIReader
    from org.mpxj.reader import UniversalProjectReader

    project = UniversalProjectReader().read(xml_path)
    if project is None:
        print("MPXJ did not recognise the file", file=sys.stderr)
        return 1
    # The reader the file was detected as.
    if "MSPDI" not in str(project.getProjectProperties().getFileType()):
        print(f"read as {project.getProjectProperties().getFileType()}, not MSPDI", file=sys.stderr)
        return 1
    # Read it again with the MSPDI reader itself, which rejects invalid XML.
    MSPDIReader().read(xml_path)
    props = project.getProjectProperties()

    with open(json_path, encoding="utf-8") as f:
        expected = json.load(f)["items"]

    problems = []
    # MPXJ adds a project summary task with uid 0.
    tasks = {int(t.getUniqueID()): t for t in project.getTasks() if int(t.getUniqueID()) != 0}
    if sorted(tasks) != sorted(i["uid"] for i in expected):
        problems.append(f"uids differ: mpxj {sorted(tasks)[:10]}..., json {[i['uid'] for i in expected][:10]}...")

    links = 0
    parents = {i["site"] for i in expected if i["outline_level"] > 1}
    for item in expected:
        uid = item["uid"]
        t = tasks.get(uid)
        if t is None:
            problems.append(f"uid {uid} ({item['name']!r}) missing")
            continue
        where = f"uid {uid} ({item['name']!r})"

        def check(what, got, want):
            if got != want:
                problems.append(f"{where}: {what} is {got!r}, expected {want!r}")

        check("name", str(t.getName()), item["name"])
        check("outline level", int(t.getOutlineLevel()), item["outline_level"])
        # MPXJ derives the summary flag from the outline: a site with
        # nothing beneath it (a file with only `pue`) reads as a plain task.
        check("summary", bool(t.getSummary()), item["type"] == "summary" and item["site"] in parents)
        check("milestone", bool(t.getMilestone()), item["type"] == "milestone")
        check("start", str(t.getStart().toLocalDate()), item["start"])
        check("start time", str(t.getStart().toLocalTime()), "00:00")
        check("finish", str(t.getFinish().toLocalDate()), item["finish"])
        check("finish time", str(t.getFinish().toLocalTime()), "00:00")
        days = float(t.getDuration().convertUnits(TimeUnit.DAYS, props).getDuration())
        check("duration (days)", days, float(item["duration_days"]))
        if item["type"] != "summary":
            check("critical", bool(t.getCritical()), item["critical"])

        got = []
        for r in t.getPredecessors():
            lag = r.getLag()
            lag_days = float(lag.convertUnits(TimeUnit.ELAPSED_DAYS, props).getDuration())
            got.append((int(r.getPredecessorTask().getUniqueID()), str(r.getType()), lag_days))
        want = [(p["uid"], str(RelationType.FINISH_START), float(p["lag_days"])) for p in item["predecessors"]]
        check("predecessors", sorted(got), sorted(want))
        links += len(want)

    if problems:
        for p in problems[:200]:
            print(p)
        print(f"{len(problems)} mismatches")
        return 1
    print(f"mpxj read back {len(expected)} tasks and {links} links: all match")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
