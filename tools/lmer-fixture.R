# Shared by tools/make-stata-reference.R and tools/make-zelig-reference.R: lme4's fit of a formula at the
# optimum and its fields as the lme4 reference files hold them (see ../shared/tools/make-reference.R).
# source("tools/lmer-fixture.R") after library(lme4).

named <- function(v) as.list(setNames(as.numeric(v), names(v)))
criterion <- function(m) if (isREML(m)) REMLcrit(m) else deviance(m)

# lme4's default optimizer can stop short of the optimum: refit from its θ with three optimizers at tight
# tolerances and keep the lowest criterion; then a variance the optimizers leave just off zero, where the
# criterion is flat in θ², is set to zero when that is no worse beyond rounding (the model rebuilt there by an
# "optimizer" that only evaluates). What lme4's default reached is kept as lme4_default.
best_optimum <- function(m, f, d, reml) {
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

# The fields of a reference file for the fit m at the optimum (m0: lme4's default fit, secs: its time).
fixture_fields <- function(m, m0, secs, reml) {
  vc <- as.data.frame(VarCorr(m))
  re <- as.data.frame(ranef(m, condVar = TRUE))
  list(
    engine = paste("lme4", as.character(packageVersion("lme4"))),
    nobs = nobs(m), ngrps = as.list(ngrps(m)),
    fixef = named(fixef(m)), se = named(sqrt(diag(as.matrix(vcov(m))))),
    vcov = unname(as.matrix(vcov(m))),
    theta = unname(getME(m, "theta")), theta_names = names(getME(m, "theta")),
    sigma = sigma(m),
    varcorr = lapply(seq_len(nrow(vc)), function(i) list(grp = vc$grp[i], var1 = vc$var1[i], var2 = vc$var2[i], vcov = vc$vcov[i], sdcor = vc$sdcor[i])),
    logLik = as.numeric(logLik(m)), df = attr(logLik(m), "df"),
    AIC = AIC(m), BIC = BIC(m), deviance = deviance(m, REML = FALSE),
    REMLcrit = if (reml) as.numeric(REMLcrit(m)) else NULL,
    isSingular = isSingular(m),
    fitted = unname(fitted(m)), residuals = unname(residuals(m)),
    lme4_seconds = secs, lme4_evaluations = m0@optinfo$feval, lme4_default = attr(m, "lme4_default"),
    ranef = list(grpvar = as.character(re$grpvar), term = as.character(re$term), grp = as.character(re$grp),
                 condval = re$condval, condsd = re$condsd)
  )
}
