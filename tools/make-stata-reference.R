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

named <- function(v) as.list(setNames(as.numeric(v), names(v)))
criterion <- function(m) if (isREML(m)) REMLcrit(m) else deviance(m)
best_optimum <- function(m, f, reml) {
  th <- getME(m, "theta")
  tries <- list(
    lmerControl(optimizer = "nloptwrap", optCtrl = list(xtol_abs = 1e-12, ftol_abs = 1e-15, ftol_rel = 1e-15, xtol_rel = 1e-12, maxeval = 1e5)),
    lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5)),
    lmerControl(optimizer = "Nelder_Mead", optCtrl = list(FtolAbs = 1e-15, FtolRel = 1e-15, XtolRel = 1e-12, maxfun = 1e5)))
  best <- m
  for (ctl in tries) {
    r <- tryCatch(suppressWarnings(lmer(f, d, REML = reml, start = th, control = ctl)), error = function(e) NULL)
    if (!is.null(r) && criterion(r) < criterion(best) - 1e-12) best <- r
  }
  # a variance that the optimizers leave just off zero, where the criterion is flat in θ² (the optimum is on
  # the boundary when zeroing it is no worse, beyond rounding): θ set to 0 there and the model rebuilt at it
  thb <- getME(best, "theta")
  at_zero <- thb
  at_zero[getME(best, "lower") == 0 & thb < 1e-4] <- 0
  if (any(at_zero != thb)) {
    devfun <- lmer(f, d, REML = reml, devFunOnly = TRUE)
    if (devfun(at_zero) <= criterion(best) + 1e-10 * abs(criterion(best))) {
      evaluate_only <- function(par, fn, lower, upper, control) list(par = par, fval = fn(par), conv = 0, message = "evaluated at the start")
      best <- suppressWarnings(lmer(f, d, REML = reml, start = at_zero, control = lmerControl(optimizer = evaluate_only, calc.derivs = FALSE)))
    }
  }
  attr(best, "lme4_default") <- list(criterion = as.numeric(criterion(m)), theta = unname(th),
                                     stopped_short_by = as.numeric(criterion(m) - criterion(best)))
  best
}

for (cs in cases) {
  cat(cs$id, "\n")
  f <- as.formula(cs$formula)
  secs <- system.time(m0 <- suppressWarnings(lmer(f, d, REML = cs$REML)))[["elapsed"]]
  m <- best_optimum(m0, f, cs$REML)
  vc <- as.data.frame(VarCorr(m))
  re <- as.data.frame(ranef(m, condVar = TRUE))
  out <- list(
    id = cs$id, stata = cs$stata, dataset = "CPS1985", formula = cs$formula, REML = cs$REML,
    engine = paste("lme4", as.character(packageVersion("lme4"))),
    nobs = nobs(m), ngrps = as.list(ngrps(m)),
    fixef = named(fixef(m)), se = named(sqrt(diag(as.matrix(vcov(m))))),
    vcov = unname(as.matrix(vcov(m))),
    theta = unname(getME(m, "theta")), theta_names = names(getME(m, "theta")),
    sigma = sigma(m),
    varcorr = lapply(seq_len(nrow(vc)), function(i) list(grp = vc$grp[i], var1 = vc$var1[i], var2 = vc$var2[i], vcov = vc$vcov[i], sdcor = vc$sdcor[i])),
    logLik = as.numeric(logLik(m)), df = attr(logLik(m), "df"),
    AIC = AIC(m), BIC = BIC(m), deviance = deviance(m, REML = FALSE),
    REMLcrit = if (cs$REML) as.numeric(REMLcrit(m)) else NULL,
    isSingular = isSingular(m),
    fitted = unname(fitted(m)), residuals = unname(residuals(m)),
    lme4_seconds = secs, lme4_evaluations = m0@optinfo$feval, lme4_default = attr(m, "lme4_default"),
    ranef = list(grpvar = as.character(re$grpvar), term = as.character(re$term), grp = as.character(re$grp),
                 condval = re$condval, condsd = re$condsd)
  )
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path("test/fixtures/stata", paste0(cs$id, ".json")))
}
cat("done\n")
