#!/usr/bin/env python3
"""Runs xsdata (PyPI) on the same inputs as tandvard-codegen's conformance runner, for the
side-by-side comparison in CONFORMANCE.md.

It reads the plan the runner writes for each set (target/conformance/<set>/plan.json: units
with their input files and expected outcome, instances with their unit and expected outcome),
so both tools see exactly the same units and instances. Per unit it runs
`xsdata generate --compound-fields` (offline: a dead proxy is set, so nothing is downloaded),
imports the generated package ("compile" for Python), then parses every instance with
XmlParser (root class found by element name) and writes it back with XmlSerializer, compared
namespace-aware with the same rules as the Rust runner (exact, whitespace-collapsed, or equal
as values). Scoring is the runner's: a valid unit must generate and import; a valid instance
must be read and (for contract sets) written back equal; an invalid one must be rejected.

usage: python3 scripts/xsdata_conformance.py [--xsdata PATH] [--work DIR] [--only TEXT] SET...
       (SET = a set name whose plan.json exists under --work, or a path to a plan.json)
Prints per-set results with timings and, last, `passed N of M`; writes
<work>/xsdata-<set>.json.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HARNESS = r'''
import importlib, json, sys, traceback
from lxml import etree
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig

pkg = sys.argv[1]
import pkgutil
_root = importlib.import_module(pkg)
# Import every generated module, so XmlParser finds the root class by element name.
for _m in pkgutil.walk_packages(_root.__path__, pkg + "."):
    importlib.import_module(_m.name)
parser = XmlParser(config=ParserConfig(fail_on_unknown_properties=True,
                                       fail_on_unknown_attributes=True,
                                       fail_on_converter_warnings=True))
serializer = XmlSerializer(config=SerializerConfig(indent=None, xml_declaration=False))
SOAP = {"http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"}
import warnings
warnings.simplefilter("error")
for line in sys.stdin:
    ident, path = line.rstrip("\n").split("\t", 1)
    try:
        root = etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        if etree.QName(root).localname == "Envelope" and etree.QName(root).namespace in SOAP:
            body = [c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "Body"]
            docs = [etree.tostring(c) for b in body for c in b if isinstance(c.tag, str)]
        else:
            docs = [open(path, "rb").read()]
        out = []
        for d in docs:
            obj = parser.from_bytes(d)
            out.append(serializer.render(obj))
        print(json.dumps({"id": ident, "ok": True, "out": out}), flush=True)
    except BaseException as e:
        msg = (type(e).__name__ + ": " + str(e)).replace("\n", " ")[:300]
        print(json.dumps({"id": ident, "ok": False, "err": msg}), flush=True)
'''

XSI = "http://www.w3.org/2001/XMLSchema-instance"


# ---- comparison (same rules as codegen/conformance/src/xmlcmp.rs) --------------------

def collapse(s):
    return " ".join(s.split())


def same_atom(a, b):
    if a == b:
        return True
    bools = {"1": True, "true": True, "0": False, "false": False}
    if a in bools and b in bools:
        return bools[a] == bools[b]
    def num(s):
        t = s.lstrip("+")
        if t in ("INF", "-INF", "NaN"):
            return float(t.replace("INF", "inf"))
        if re.fullmatch(r"[0-9.eE+-]+", t):
            try:
                return float(t)
            except ValueError:
                return None
        return None
    x, y = num(a), num(b)
    if x is not None and y is not None:
        return x == y or (x != x and y != y)
    if len(a) == len(b) and re.fullmatch(r"[0-9a-fA-F]+", a) and a.lower() == b.lower():
        return True
    def norm(s):
        s = s.replace("+00:00", "Z").replace("-00:00", "Z")
        return re.sub(r"\.(\d*?)0+(?=\D|$)", lambda m: ("." + m.group(1)) if m.group(1) else "", s)
    temporal = lambda s: ":" in s or "-" in s[1:]
    return temporal(a) and temporal(b) and norm(a) == norm(b)


def same_value(a, b):
    ia, ib = a.split(), b.split()
    if len(ia) != len(ib):
        return re.fullmatch(r"[A-Za-z0-9+/=\s]*", a or "") and "".join(ia) == "".join(ib)
    return bool(ia) and all(same_atom(x, y) for x, y in zip(ia, ib))


def qn(e):
    q = etree.QName(e)
    return "{%s}%s" % (q.namespace, q.localname) if q.namespace else q.localname


def attrs(e):
    out = {}
    for k, v in e.attrib.items():
        if k in ("{%s}schemaLocation" % XSI, "{%s}noNamespaceSchemaLocation" % XSI):
            continue
        if k == "{%s}type" % XSI:
            p, _, l = v.strip().rpartition(":")
            ns = e.nsmap.get(p or None)
            v = "{%s}%s" % (ns, l) if ns else v
        out[k] = v
    return out


def compare(a, b, path=""):
    """Returns (level, error): level 0 exact, 1 collapsed, 2 equal as values."""
    path = path + "/" + qn(a)
    if qn(a) != qn(b):
        return None, "%s: element became %s" % (path, qn(b))
    level = 0
    aa, ab = attrs(a), attrs(b)
    if aa != ab:
        if aa.keys() == ab.keys() and all(collapse(aa[k]) == collapse(ab[k]) for k in aa):
            level = max(level, 1)
        elif aa.keys() == ab.keys() and all(aa[k] == ab[k] or same_value(aa[k], ab[k]) for k in aa):
            level = max(level, 2)
        else:
            return None, "%s: attributes %s became %s" % (path, aa, ab)
    def text(e):
        return (e.text or "") + "".join((c.tail or "") for c in e if not isinstance(c.tag, str) or True)
    ca = [c for c in a if isinstance(c.tag, str)]
    cb = [c for c in b if isinstance(c.tag, str)]
    ta, tb = text(a), text(b)
    if ta != tb:
        if ca and not ta.strip() and not tb.strip():
            pass
        elif collapse(ta) == collapse(tb):
            level = max(level, 1)
        elif same_value(ta, tb):
            level = max(level, 2)
        else:
            return None, "%s: text %r became %r" % (path, ta[:80], tb[:80])
    if len(ca) != len(cb):
        return None, "%s: %d child elements became %d" % (path, len(ca), len(cb))
    for x, y in zip(ca, cb):
        l, err = compare(x, y, path)
        if err:
            return None, err
        level = max(level, l)
    return level, None


# ---- running -------------------------------------------------------------------------------

def offline_env():
    env = dict(os.environ)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env[k] = "http://127.0.0.1:9"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_set(plan_path, xsdata, work, only):
    plan = json.load(open(plan_path))
    name = plan["name"]
    root = os.path.join(work, "xsdata", re.sub(r"[^a-z0-9]", "-", name.lower()))
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    units = plan["units"]
    selected = [i for i, u in enumerate(units) if not only or any(o in u["id"] for o in only)]
    env = offline_env()
    # xsdata formats its output with ruff, installed next to it.
    env["PATH"] = os.path.dirname(xsdata) + os.pathsep + env.get("PATH", "")
    python = os.path.join(os.path.dirname(xsdata), "python3")
    if not os.path.exists(python):
        python = sys.executable
    res_units, res_inst = {}, {}
    t_gen = t_import = t_read = 0.0
    for i in selected:
        u = units[i]
        pkg = "u%d" % i
        t = time.time()
        try:
            p = subprocess.run([xsdata, "generate", u["inputs"][0], "--package", pkg,
                                "--compound-fields"], cwd=root, env=env, capture_output=True,
                               text=True, timeout=1800)
            ok = p.returncode == 0 and os.path.isdir(os.path.join(root, pkg))
            err = "" if ok else (p.stdout + p.stderr).strip().splitlines()[-1:] or ["failed"]
        except subprocess.TimeoutExpired:
            ok, err = False, ["timeout"]
        t_gen += time.time() - t
        if not ok:
            res_units[i] = ("rejected", err[0] if isinstance(err, list) else err)
            continue
        t = time.time()
        importer = ("import importlib, pkgutil; r = importlib.import_module(%r)\n"
                    "for m in pkgutil.walk_packages(r.__path__, %r):\n"
                    "    importlib.import_module(m.name)" % (pkg, pkg + "."))
        p = subprocess.run([python, "-c", importer], cwd=root, env=env,
                           capture_output=True, text=True, timeout=1800)
        t_import += time.time() - t
        if p.returncode != 0:
            res_units[i] = ("import-error", (p.stderr.strip().splitlines() or ["?"])[-1])
            continue
        res_units[i] = ("compiled", "")
        items = [(k, inst) for k, inst in enumerate(plan["instances"]) if inst["unit"] == i]
        if not items:
            continue
        t = time.time()
        inp = "".join("%d\t%s\n" % (k, inst["path"]) for k, inst in items)
        p = subprocess.run([python, "-c", HARNESS, pkg], cwd=root, env=env, input=inp,
                           capture_output=True, text=True, timeout=3600)
        t_read += time.time() - t
        seen = set()
        for line in p.stdout.splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            seen.add(int(r["id"]))
            res_inst[int(r["id"])] = r
        for k, _ in items:
            if k not in seen:
                res_inst[k] = {"ok": False, "err": "harness died: " + (p.stderr.strip().splitlines() or [""])[-1]}
    # Score.
    checks = []
    for i in selected:
        u = units[i]
        outcome, detail = res_units.get(i, ("not-run", ""))
        if u["expect"] == "invalid":
            ok = outcome == "rejected"
        elif u["expect"] == "defective":
            ok = outcome in ("rejected", "compiled")
        else:
            ok = outcome == "compiled"
        checks.append(("unit", u["id"], u["expect"], outcome, ok, detail))
    round_trip = plan.get("round_trip", True)
    for k, inst in enumerate(plan["instances"]):
        if inst["unit"] not in selected:
            continue
        r = res_inst.get(k)
        valid = inst["expect"] == "valid"
        if r is None:
            checks.append(("instance", inst["id"], inst["expect"], "not-run", False, ""))
            continue
        if not r["ok"]:
            checks.append(("instance", inst["id"], inst["expect"], "rejected", not valid, r.get("err", "")))
            continue
        if not valid:
            checks.append(("instance", inst["id"], inst["expect"], "accepted", False, ""))
            continue
        outcome, ok, detail = "round-tripped", True, ""
        try:
            orig = etree.parse(inst["path"], etree.XMLParser(resolve_entities=False)).getroot()
            if etree.QName(orig).localname == "Envelope":
                origs = [c for b in orig if isinstance(b.tag, str) and etree.QName(b).localname == "Body"
                         for c in b if isinstance(c.tag, str)]
            else:
                origs = [orig]
            outs = [etree.fromstring(o.encode()) for o in r["out"]]
            if len(outs) != len(origs):
                raise ValueError("%d messages became %d" % (len(origs), len(outs)))
            for o, w in zip(origs, outs):
                _, err = compare(o, w)
                if err:
                    raise ValueError(err)
        except Exception as e:  # noqa: BLE001
            detail = str(e)[:300]
            outcome = "differs"
            ok = not round_trip
        checks.append(("instance", inst["id"], inst["expect"], outcome, ok, detail))
    passed = sum(1 for c in checks if c[4])
    s = {
        "set": name,
        "units": len(selected),
        "generated": sum(1 for i in selected if res_units.get(i, ("",))[0] in ("compiled", "import-error")),
        "compiled": sum(1 for i in selected if res_units.get(i, ("",))[0] == "compiled"),
        "valid_instances": sum(1 for c in checks if c[0] == "instance" and c[2] == "valid"),
        "accepted_valid": sum(1 for c in checks if c[0] == "instance" and c[2] == "valid" and c[3] in ("round-tripped", "differs")),
        "round_tripped": sum(1 for c in checks if c[0] == "instance" and c[3] == "round-tripped"),
        "invalid_instances": sum(1 for c in checks if c[0] == "instance" and c[2] != "valid"),
        "invalid_rejected": sum(1 for c in checks if c[0] == "instance" and c[2] != "valid" and c[3] == "rejected"),
        "checks": len(checks),
        "passed": passed,
        "generate_seconds": round(t_gen, 1),
        "import_seconds": round(t_import, 1),
        "read_seconds": round(t_read, 1),
    }
    json.dump({"summary": s, "checks": checks}, open(os.path.join(work, "xsdata-%s.json" % name), "w"), indent=1)
    print("== %s (xsdata)" % name)
    print("  units %d: generated %d, imported %d" % (s["units"], s["generated"], s["compiled"]))
    print("  instances: valid accepted %d/%d, round-tripped %d/%d, invalid rejected %d/%d" % (
        s["accepted_valid"], s["valid_instances"], s["round_tripped"], s["valid_instances"],
        s["invalid_rejected"], s["invalid_instances"]))
    print("  time: generate %.1fs, import %.1fs, read+write %.1fs" % (t_gen, t_import, t_read))
    causes = {}
    for c in checks:
        if not c[4]:
            key = "%s %s %s" % (c[0], c[2], c[3])
            causes.setdefault(key, []).append(c)
    for key, lst in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        print("    %4d  %s   e.g. %s: %s" % (len(lst), key, lst[0][1], lst[0][5][:160]))
    print("  passed %d of %d" % (passed, len(checks)))
    return passed, len(checks)


def main():
    global etree
    ap = argparse.ArgumentParser()
    ap.add_argument("--xsdata", default=shutil.which("xsdata") or "xsdata")
    ap.add_argument("--work", default=os.path.join(os.path.dirname(__file__), "..", "target", "conformance"))
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("sets", nargs="+")
    a = ap.parse_args()
    from lxml import etree as _etree
    etree = _etree
    total_p = total_m = 0
    for s in a.sets:
        plan = s if s.endswith(".json") else os.path.join(a.work, re.sub(r"[^a-z0-9]", "-", s.lower()), "plan.json")
        p, m = run_set(plan, os.path.abspath(a.xsdata), os.path.abspath(a.work), a.only)
        total_p += p
        total_m += m
    print("passed %d of %d" % (total_p, total_m))


if __name__ == "__main__":
    main()
