# lme4 fits of the models Stata's `mixed` commands mean, for test/stata.test.ts: datasets/CPS1985.csv (AER's
# CPS1985, the 1985 Current Population Survey: wages, experience, age, marital status, occupation) stands in for
# Stata's nlsw88 of the implementation guide's examples (tenure → experience; married coded 1/0 as nlsw88
# codes it). Each case holds the Stata command, the lme4 formula it means and lme4's fit of that formula at
# the optimum (refitted from lme4's θ by three optimizers at tight tolerances, the lowest kept, as
# ../shared/tools/make-reference.R does). Stata fits by ML unless `reml`.
# Run from the project folder: Rscript tools/make-stata-reference.R  (needs r-cran-lme4 r-cran-aer r-cran-jsonlite)
suppressMessages({library(lme4); library(jsonlite); library(AER)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

data(CPS1985, package = "AER")
cps <- CPS1985
cps$married <- as.integer(cps$married == "yes")
write.csv(cps, "datasets/CPS1985.csv", row.names = FALSE)
d <- read.csv("datasets/CPS1985.csv", stringsAsFactors = TRUE)

cases <- list(
  list(id = "guide-intercept", stata = "mixed wage experience married || occupation:",
       formula = "wage ~ experience + married + (1 | occupation)", REML = FALSE),
  list(id = "guide-slope-nocons", stata = "mixed wage experience married || occupation: experience, nocons",
       formula = "wage ~ experience + married + (0 + experience | occupation)", REML = FALSE),
  list(id = "guide-both", stata = "mixed wage experience married || occupation: experience",
       formula = "wage ~ experience + married + (experience || occupation)", REML = FALSE),
  list(id = "guide-nested", stata = "mixed wage experience married || occupation: experience || age: experience",
       formula = "wage ~ experience + married + (experience || occupation) + (experience || occupation:age)", REML = FALSE),
  list(id = "unstructured-reml", stata = "mixed wage experience i.union || occupation: experience, covariance(unstructured) reml",
       formula = "wage ~ experience + factor(union) + (experience | occupation)", REML = TRUE),
  list(id = "factorial-nested", stata = "mixed wage c.education##i.gender || sector: || occupation:",
       formula = "wage ~ education * factor(gender) + (1 | sector) + (1 | sector:occupation)", REML = FALSE),
  list(id = "crossed-all", stata = "mixed wage education experience || _all: R.occupation || sector:, mle",
       formula = "wage ~ education + experience + (1 | occupation) + (1 | sector)", REML = FALSE),
  list(id = "interaction-noconstant", stata = "mixed wage i.region#c.education, noconstant || occupation:",
       formula = "wage ~ 0 + factor(region):education + (1 | occupation)", REML = FALSE)
)

source("tools/lmer-fixture.R")

for (cs in cases) {
  cat(cs$id, "\n")
  f <- as.formula(cs$formula)
  secs <- system.time(m0 <- suppressWarnings(lmer(f, d, REML = cs$REML)))[["elapsed"]]
  m <- best_optimum(m0, f, d, cs$REML)
  out <- c(list(id = cs$id, stata = cs$stata, dataset = "CPS1985", formula = cs$formula, REML = cs$REML),
           fixture_fields(m, m0, secs, cs$REML))
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path("test/fixtures/stata", paste0(cs$id, ".json")))
}
cat("done\n")
