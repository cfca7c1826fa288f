# lmerTest's printed summary of reference fits, as R prints `print(summary(m))`, for test/summary.test.ts:
# test/fixtures/summary/<id>.txt (Satterthwaite's df) and <id>-kenward-roger.txt (`ddf = "Kenward-Roger"`).
#
# Each model is rebuilt at the reference optimum (test/fixtures/reference/<id>.json's theta, where lme4's
# default optimizer was refitted at tight tolerances) without optimizing, so that the printed digits are
# those of the optimum our fit finds, not of where lme4's default optimizer stopped. The data are read from
# datasets/<name>.csv into a variable of that name, so the `Data:` line names it as R users see it; the
# `Control:` line that the rebuilding call would add is removed from the call, and the optimizer is named
# "bobyqa" (ours; lme4's own is "nloptwrap"), which the warnings' "optimizer (...) convergence code" line
# names (without a name that line is left out), with code 0 (the rebuilt fit's own code is 1000, "no
# optimization"). Messages that print()
# writes to stderr (lme4's "Correlation matrix not shown by default ...") are kept in their place.
#
# Run from the project folder: Rscript tools/make-summary.R
# Needs Debian's r-cran-lme4, r-cran-lmertest (and r-cran-pbkrtest for Kenward-Roger) and r-cran-jsonlite.
suppressMessages({library(lme4); library(lmerTest); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

ids <- c("sleepstudy-slope", "sleepstudy-slope-ml", "sleepstudy-intercept", "sleepstudy-uncorrelated",
         "Dyestuff", "Dyestuff-ml", "Dyestuff2-singular", "Penicillin-crossed", "Pastes-nested",
         "cake-interaction", "voteincome-zelig", "Exam-slope", "Exam-factors", "Produc-nested-log",
         "Grunfeld-crossed", "Grunfeld-crossed-ml")
kenward_roger <- c("sleepstudy-slope", "Penicillin-crossed", "Exam-factors", "Grunfeld-crossed")

folder <- file.path("test", "fixtures", "summary")
dir.create(folder, recursive = TRUE, showWarnings = FALSE)

printed <- function(x) {
  capture.output(withCallingHandlers(print(x), message = function(c) {
    cat(conditionMessage(c))
    invokeRestart("muffleMessage")
  }))
}

for (id in ids) {
  cat(id, "\n")
  r <- fromJSON(file.path("test", "fixtures", "reference", paste0(id, ".json")))
  env <- new.env()
  assign(r$dataset, read.csv(file.path("datasets", paste0(r$dataset, ".csv")), stringsAsFactors = TRUE), envir = env)
  call <- bquote(lmer(.(as.formula(r$formula)), data = .(as.name(r$dataset)), REML = .(r$REML),
                      start = .(r$theta), control = lmerControl(optimizer = NULL)))
  m <- eval(call, env)
  m@call$control <- NULL
  m@optinfo$optimizer <- "bobyqa"
  m@optinfo$conv$opt <- 0
  m <- as(m, "lmerModLmerTest")
  writeLines(printed(summary(m)), file.path(folder, paste0(id, ".txt")))
  if (id %in% kenward_roger) writeLines(printed(summary(m, ddf = "Kenward-Roger")), file.path(folder, paste0(id, "-kenward-roger.txt")))
}
cat("done\n")
