# Adds the correctly rounded ln(x) and e^x (60-digit decimal arithmetic, then the nearest double) to
# test/fixtures/math/libm.json, after tools/make-libm-reference.R wrote R's (the C library's) values:
# each entry becomes [x, R's value, the correctly rounded value]. Run: python3 tools/make-libm-rounded.py
import json
from decimal import Decimal, getcontext

getcontext().prec = 60
path = "test/fixtures/math/libm.json"
data = json.load(open(path))
data["log"] = [[x, r, float(Decimal(x).ln())] for x, r in data["log"]]
data["exp"] = [[x, r, float(Decimal(x).exp())] for x, r in data["exp"]]
data["rounded"] = "Python decimal, 60 digits, rounded to the nearest double by float()"
with open(path, "w") as f:
    f.write("{\n")
    f.write('  "log": [%s],\n' % ", ".join("[%r, %r, %r]" % tuple(e) for e in data["log"]))
    f.write('  "exp": [%s],\n' % ", ".join("[%r, %r, %r]" % tuple(e) for e in data["exp"]))
    f.write('  "r": %s,\n  "rounded": %s\n}\n' % (json.dumps(data["r"]), json.dumps(data["rounded"])))
