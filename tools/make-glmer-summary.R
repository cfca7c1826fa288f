# lme4's printed summary of glmer reference fits, as R prints `print(summary(m))`, for
# test/glmer-summary.test.ts: test/fixtures/glmer-summary/<id>.txt.
#
# Each model is rebuilt at the reference optimum of test/fixtures/glmer/<id>.json (theta and beta, PIRLS at
# the fixture's tolPwrss), as tools/make-glmer-reference.R's model_at does: glmer started there with an
# "optimizer" that only evaluates the deviance function, so the printed digits are those of the optimum, not
# of where lme4's default optimizer stopped. The data are read from datasets/<name>.csv into a variable of
# that name, so the `Data:` line names it as R users see it. The rebuilding call's `control` and `start` are
# removed from the call (lme4 would print a `Control:` line), and the optimizer's record is that of a clean
# stop: code 0, named "bobyqa" (ours). The convergence check's messages are the rebuilt fit's own, made at the
# optimum: of these cases only voteincome-gaussian-log has one ("Model is nearly unidentifiable: very large
# eigenvalue", as lme4's default fit warns too), printed after "optimizer (bobyqa) convergence code: 0 (OK)".
#
# Run from the project folder: Rscript tools/make-glmer-summary.R [id ...]
# Needs Debian's r-cran-lme4 (1.1-31) and r-cran-jsonlite.
suppressMessages({library(lme4); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

ids <- c("cbpp-binomial", "cbpp-binomial-agq25", "VerbAgg-crossed", "sleepstudy-gamma-log", "voteincome-logit",
         "cbpp-binomial-nagq0", "cbpp-proportion-weights", "Contraception-slope", "grouseticks-poisson", "bacteria-probit",
         "voteincome-gaussian-log", "Mmmec-nested-offset-argument")
only <- commandArgs(trailingOnly = TRUE)
if (length(only)) ids <- intersect(ids, only)

folder <- file.path("test", "fixtures", "glmer-summary")
dir.create(folder, recursive = TRUE, showWarnings = FALSE)

printed <- function(x) {
  capture.output(withCallingHandlers(print(x), message = function(c) {
    cat(conditionMessage(c))
    invokeRestart("muffleMessage")
  }))
}

at <- function(fn, par, lower, upper, control) list(par = par, fval = fn(par), conv = 0, feval = 1, message = "reference optimum")

for (id in ids) {
  cat(id, "\n")
  r <- fromJSON(file.path("test", "fixtures", "glmer", paste0(id, ".json")))
  env <- new.env()
  assign(r$dataset, read.csv(file.path("datasets", paste0(r$dataset, ".csv")), stringsAsFactors = TRUE), envir = env)
  assign("fam", get(r$family)(link = r$link), envir = env)
  theta <- as.numeric(r$theta)
  beta <- as.numeric(unlist(r$beta))
  ctl <- glmerControl(tolPwrss = r$tolPwrss, optimizer = list(at, at), restart_edge = FALSE, boundary.tol = 0)
  start <- if (r$nAGQ == 0) list(theta = theta) else list(theta = theta, fixef = beta)
  cl <- bquote(glmer(.(as.formula(r$formula)), data = .(as.name(r$dataset)), family = fam,
                     nAGQ = .(as.integer(r$nAGQ)), control = .(ctl), start = .(start)))
  if (!is.null(r$weights)) cl$weights <- as.name(r$weights)
  # glmer's offset argument (not one in the formula): printed on the Offset: line
  if (!is.null(r$offset) && r$offset != "in the formula") cl$offset <- str2lang(r$offset)
  if (r$nAGQ == 1) cl$nAGQ <- NULL
  m <- suppressWarnings(eval(cl, env))
  m@call$control <- NULL
  m@call$start <- NULL
  m@optinfo$optimizer <- "bobyqa"
  m@optinfo$conv$opt <- 0
  m@optinfo$warnings <- list()
  writeLines(printed(summary(m)), file.path(folder, paste0(id, ".txt")))
}
cat("done\n")
