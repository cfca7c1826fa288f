# Writes test/fixtures/glmm/gauss-hermite.json: lme4 1.1-31's GHrule(n) for n = 1…25 (nodes z and weights w
# for the standard normal density, from the Golub–Welsch eigenvalues), at 17 digits, for
# test/gauss-hermite.test.ts. Run from the project root: Rscript tools/make-gauss-hermite-reference.R
suppressMessages(library(lme4))
library(jsonlite)
num <- function(x) structure(paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]"), class = "json")
rules <- lapply(1:25, function(n) { r <- GHrule(n); list(n = n, z = num(r[, "z"]), w = num(r[, "w"])) })
dir.create("test/fixtures/glmm", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(list(lme4 = as.character(packageVersion("lme4")), rules = rules), auto_unbox = TRUE,
                  json_verbatim = TRUE, pretty = TRUE), "test/fixtures/glmm/gauss-hermite.json")
