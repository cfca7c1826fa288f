# nlme fits with residual structures (correlation and variance functions) for test/fixtures/nlme/, and the
# data sets they need written to datasets/ (Orthodont, BodyWeight from nlme). Each case is fitted with several
# lmeControl settings; the fixture keeps the best log-likelihood (nlme's optimizers can stop short) and every
# control's result. Run from the project folder: Rscript tools/make-nlme-reference.R
suppressMessages({library(nlme); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

write_data <- function(d, name) {
  d <- as.data.frame(d)
  for (v in names(d)) if (is.factor(d[[v]])) d[[v]] <- as.character(d[[v]])
  write.csv(d, file.path("datasets", paste0(name, ".csv")), row.names = FALSE)
}
if (!file.exists("datasets/Orthodont.csv")) write_data(Orthodont, "Orthodont")
if (!file.exists("datasets/BodyWeight.csv")) write_data(BodyWeight, "BodyWeight")

controls <- list(
  default = lmeControl(),
  optim = lmeControl(opt = "optim"),
  long = lmeControl(maxIter = 500, msMaxIter = 500, niterEM = 100, msMaxEval = 2000),
  optimLong = lmeControl(opt = "optim", maxIter = 500, msMaxIter = 500),
  noEM = lmeControl(niterEM = 0, msMaxIter = 500, msMaxEval = 2000)
)

cases <- list(
  list(id = "Orthodont-varIdent-reml", data = "Orthodont", formula = "distance ~ age + (1 | Subject)",
       fixed = distance ~ age, random = ~ 1 | Subject, variance = "varIdent(form = ~ 1 | Sex)", REML = TRUE),
  list(id = "Orthodont-varIdent-ml", data = "Orthodont", formula = "distance ~ age + (1 | Subject)",
       fixed = distance ~ age, random = ~ 1 | Subject, variance = "varIdent(form = ~ 1 | Sex)", REML = FALSE),
  list(id = "Orthodont-varExp-slope", data = "Orthodont", formula = "distance ~ age * Sex + (age | Subject)",
       fixed = distance ~ age * Sex, random = ~ age | Subject, variance = "varExp(form = ~ age)", REML = TRUE),
  list(id = "BodyWeight-varPower-CAR1-reml", data = "BodyWeight", formula = "weight ~ Time * Diet + (Time | Rat)",
       fixed = weight ~ Time * Diet, random = ~ Time | Rat, variance = "varPower(form = ~ Time)",
       correlation = "corCAR1(form = ~ Time | Rat)", REML = TRUE),
  list(id = "BodyWeight-varPower-CAR1-ml", data = "BodyWeight", formula = "weight ~ Time * Diet + (Time | Rat)",
       fixed = weight ~ Time * Diet, random = ~ Time | Rat, variance = "varPower(form = ~ Time)",
       correlation = "corCAR1(form = ~ Time | Rat)", REML = FALSE),
  list(id = "sleepstudy-AR1-slope-reml", data = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)",
       fixed = Reaction ~ Days, random = ~ Days | Subject, correlation = "corAR1(form = ~ Days | Subject)", REML = TRUE),
  list(id = "sleepstudy-AR1-intercept-ml", data = "sleepstudy", formula = "Reaction ~ Days + (1 | Subject)",
       fixed = Reaction ~ Days, random = ~ 1 | Subject, correlation = "corAR1(form = ~ 1 | Subject)", REML = FALSE),
  list(id = "sleepstudy-ARMA11-reml", data = "sleepstudy", formula = "Reaction ~ Days + (1 | Subject)",
       fixed = Reaction ~ Days, random = ~ 1 | Subject, correlation = "corARMA(p = 1, q = 1, form = ~ Days | Subject)", REML = TRUE),
  list(id = "Pastes-CompSymm-cask-reml", data = "Pastes", formula = "strength ~ 1 + (1 | batch)",
       fixed = strength ~ 1, random = ~ 1 | batch, correlation = "corCompSymm(form = ~ 1 | batch/cask)", REML = TRUE),
  list(id = "sleepstudy-AR1-slope-ml", data = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)",
       fixed = Reaction ~ Days, random = ~ Days | Subject, correlation = "corAR1(form = ~ Days | Subject)", REML = FALSE),
  list(id = "sleepstudy-slope-ml", data = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)",
       fixed = Reaction ~ Days, random = ~ Days | Subject, REML = FALSE),
  list(id = "sleepstudy-ARMA11-ml", data = "sleepstudy", formula = "Reaction ~ Days + (1 | Subject)",
       fixed = Reaction ~ Days, random = ~ 1 | Subject, correlation = "corARMA(p = 1, q = 1, form = ~ Days | Subject)", REML = FALSE),
  list(id = "Pastes-CompSymm-cask-ml", data = "Pastes", formula = "strength ~ 1 + (1 | batch)",
       fixed = strength ~ 1, random = ~ 1 | batch, correlation = "corCompSymm(form = ~ 1 | batch/cask)", REML = FALSE),
  list(id = "Orthodont-AR1-varIdent-reml", data = "Orthodont", formula = "distance ~ age * Sex + (1 | Subject)",
       fixed = distance ~ age * Sex, random = ~ 1 | Subject, correlation = "corAR1(form = ~ 1 | Subject)",
       variance = "varIdent(form = ~ 1 | Sex)", REML = TRUE),
  list(id = "Orthodont-varConstPower-ml", data = "Orthodont", formula = "distance ~ age * Sex + (1 | Subject)",
       fixed = distance ~ age * Sex, random = ~ 1 | Subject, variance = "varConstPower(form = ~ age)", REML = FALSE),
  list(id = "Orthodont-corSymm-ml", data = "Orthodont", formula = "distance ~ age * Sex + (1 | Subject)",
       fixed = distance ~ age * Sex, random = ~ 1 | Subject, correlation = "corSymm(form = ~ 1 | Subject)", REML = FALSE),
  list(id = "Orthodont-varFixed-ml", data = "Orthodont", formula = "distance ~ age + (1 | Subject)",
       fixed = distance ~ age, random = ~ 1 | Subject, variance = "varFixed(~ age)", REML = FALSE),
  list(id = "BodyWeight-varConstPower-strata-ml", data = "BodyWeight", formula = "weight ~ Time * Diet + (Time | Rat)",
       fixed = weight ~ Time * Diet, random = ~ Time | Rat, variance = "varConstPower(form = ~ Time | Diet)", REML = FALSE),
  list(id = "Orthodont-varPower-fitted-reml", data = "Orthodont", formula = "distance ~ age + (1 | Subject)",
       fixed = distance ~ age, random = ~ 1 | Subject, variance = "varPower(form = ~ fitted(.))", REML = TRUE),
  list(id = "Orthodont-varExp-fitted-ml", data = "Orthodont", formula = "distance ~ age * Sex + (1 | Subject)",
       fixed = distance ~ age * Sex, random = ~ 1 | Subject, variance = "varExp(form = ~ fitted(.))", REML = FALSE),
  list(id = "BodyWeight-varPower-fitted-ml", data = "BodyWeight", formula = "weight ~ Time * Diet + (Time | Rat)",
       fixed = weight ~ Time * Diet, random = ~ Time | Rat, variance = "varPower(form = ~ fitted(.))", REML = FALSE)
)
# Rscript tools/make-nlme-reference.R ID …: only the cases named (the others' fixtures are left as they are)
only <- commandArgs(trailingOnly = TRUE)
if (length(only)) cases <- Filter(function(cs) cs$id %in% only, cases)

named <- function(v) as.list(setNames(as.numeric(v), names(v)))
results <- list()
for (cs in cases) {
  d <- read.csv(file.path("datasets", paste0(cs$data, ".csv")), stringsAsFactors = TRUE)
  tries <- list()
  best <- NULL
  for (name in names(controls)) {
    args <- list(fixed = cs$fixed, random = cs$random, data = d, method = if (cs$REML) "REML" else "ML", control = controls[[name]])
    if (!is.null(cs$correlation)) args$correlation <- eval(parse(text = cs$correlation))
    if (!is.null(cs$variance)) args$weights <- eval(parse(text = cs$variance))
    secs <- NA
    m <- tryCatch({secs <- system.time(fit <- do.call(lme, args))[["elapsed"]]; fit}, error = function(e) conditionMessage(e))
    if (is.character(m)) {
      tries[[length(tries) + 1]] <- list(control = name, error = m)
      next
    }
    ll <- as.numeric(logLik(m))
    tries[[length(tries) + 1]] <- list(control = name, logLik = ll, seconds = secs)
    if (is.null(best) || ll > best$ll) best <- list(ll = ll, m = m, control = name, seconds = secs)
  }
  m <- best$m
  cat(cs$id, best$control, best$ll, "\n")
  out <- list(
    id = cs$id, dataset = cs$data, formula = cs$formula, REML = cs$REML,
    correlation = cs$correlation, variance = cs$variance,
    nlme_call = sprintf("lme(%s, random = %s, data = %s, method = \"%s\"%s%s)", deparse(cs$fixed), deparse(cs$random), cs$data,
                        if (cs$REML) "REML" else "ML",
                        if (is.null(cs$correlation)) "" else paste0(", correlation = ", cs$correlation),
                        if (is.null(cs$variance)) "" else paste0(", weights = ", cs$variance)),
    engine = paste("nlme", as.character(packageVersion("nlme"))),
    control = best$control, seconds = best$seconds, controls = tries,
    nobs = m$dims$N,
    logLik = best$ll, fixef = named(fixef(m)), se = named(sqrt(diag(vcov(m)))),
    sigma = m$sigma,
    corStruct = if (!is.null(m$modelStruct$corStruct)) named(coef(m$modelStruct$corStruct, unconstrained = FALSE)) else NULL,
    varStruct = if (!is.null(m$modelStruct$varStruct) && length(coef(m$modelStruct$varStruct)) > 0) named(coef(m$modelStruct$varStruct, unconstrained = FALSE)) else NULL,
    reStruct = lapply(as.list(VarCorr(m)[, "StdDev"]), as.numeric)
  )
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), file.path("test/fixtures/nlme", paste0(cs$id, ".json")))
}
