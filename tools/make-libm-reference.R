# R's log() and exp() (the C library's, glibc here) of seeded doubles, for test/math.test.ts: the formula's
# log and exp must give the same doubles as R, DuckDB and PostgreSQL on the same data.
# Run from the project folder: Rscript tools/make-libm-reference.R, then python3 tools/make-libm-rounded.py
# (which adds the correctly rounded values).
set.seed(20261203)
x <- c(exp(runif(1500, log(1e-300), log(1e300))), runif(1000, 0.5, 2), runif(1000, 1, 1e6),
       round(runif(500, 1, 1e5), 2))
y <- runif(2000, -700, 700)
out <- c("{",
  sprintf('  "log": [%s],', paste(sprintf("[%.17g, %.17g]", x, log(x)), collapse = ", ")),
  sprintf('  "exp": [%s],', paste(sprintf("[%.17g, %.17g]", y, exp(y)), collapse = ", ")),
  sprintf('  "r": "%s"', R.version.string),
  "}")
writeLines(out, file.path("test", "fixtures", "math", "libm.json"))
