# lme4 fits of the models Zelig's two-equation formulas mean, for test/zelig-notation.test.ts: Exam (mlmRev)
# with its school-level covariates (schavg, schgend), and voteincome (Zelig) with a state-level covariate, the
# state's mean years of education (meaneducation = ave(education, state)), the contextual variable of the
# multilevel literature. voteincome has two states, so a state-level covariate leaves the state variance
# unidentified (the REML criterion is flat in θ): its fixture is for the expansion, the fixed effects and the
# criterion. Each case holds the Zelig list, the lme4 formula it expands to and lme4's fit of that formula
# (REML, as Zelig's ls.mixed fits) at the optimum.
# Run from the project folder: Rscript tools/make-zelig-reference.R  (needs r-cran-lme4 r-cran-jsonlite)
suppressMessages({library(lme4); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

vote <- read.csv("datasets/voteincome.csv", stringsAsFactors = TRUE)
vote$meaneducation <- ave(vote$education, vote$state)
exam <- read.csv("datasets/Exam.csv", stringsAsFactors = TRUE)
datasets <- list(voteincome = vote, Exam = exam)

cases <- list(
  list(id = "voteincome-intercept-model", data = "voteincome", zelig = list(mu = "income ~ education + age + female + tag(1, gamma | state)", gamma = "~ tag(meaneducation | state)"),
       formula = "income ~ education + age + female + meaneducation + (1 | state)"),
  list(id = "Exam-slopes-as-outcomes", data = "Exam", zelig = list(mu = "normexam ~ standLRT + sex + tag(1 + standLRT, gamma | school)", gamma = "~ tag(schavg | school)"),
       formula = "normexam ~ standLRT + sex + schavg + standLRT:schavg + (1 + standLRT | school)"),
  list(id = "Exam-intercept-two-covariates", data = "Exam", zelig = list(mu = "normexam ~ standLRT + tag(1, gamma | school)", gamma = "~ tag(schavg + schgend | school)"),
       formula = "normexam ~ standLRT + schavg + schgend + (1 | school)")
)

named <- function(v) as.list(setNames(as.numeric(v), names(v)))
criterion <- function(m) REMLcrit(m)
best_optimum <- function(m, f) {
  th <- getME(m, "theta")
  tries <- list(
    lmerControl(optimizer = "nloptwrap", optCtrl = list(xtol_abs = 1e-12, ftol_abs = 1e-15, ftol_rel = 1e-15, xtol_rel = 1e-12, maxeval = 1e5)),
    lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5)),
    lmerControl(optimizer = "Nelder_Mead", optCtrl = list(FtolAbs = 1e-15, FtolRel = 1e-15, XtolRel = 1e-12, maxfun = 1e5)))
  best <- m
  for (ctl in tries) {
    r <- tryCatch(suppressWarnings(lmer(f, d, start = th, control = ctl)), error = function(e) NULL)
    if (!is.null(r) && criterion(r) < criterion(best) - 1e-12) best <- r
  }
  thb <- getME(best, "theta")
  at_zero <- thb
  at_zero[getME(best, "lower") == 0 & thb < 1e-4] <- 0
  if (any(at_zero != thb)) {
    devfun <- lmer(f, d, devFunOnly = TRUE)
    if (devfun(at_zero) <= criterion(best) + 1e-10 * abs(criterion(best))) {
      evaluate_only <- function(par, fn, lower, upper, control) list(par = par, fval = fn(par), conv = 0, message = "evaluated at the start")
      best <- suppressWarnings(lmer(f, d, start = at_zero, control = lmerControl(optimizer = evaluate_only, calc.derivs = FALSE)))
    }
  }
  attr(best, "lme4_default") <- list(criterion = as.numeric(criterion(m)), theta = unname(th),
                                     stopped_short_by = as.numeric(criterion(m) - criterion(best)))
  best
}

for (cs in cases) {
  cat(cs$id, "\n")
  d <- datasets[[cs$data]]
  f <- as.formula(cs$formula)
  secs <- system.time(m0 <- suppressWarnings(lmer(f, d)))[["elapsed"]]
  m <- best_optimum(m0, f)
  vc <- as.data.frame(VarCorr(m))
  re <- as.data.frame(ranef(m, condVar = TRUE))
  out <- list(
    id = cs$id, zelig = cs$zelig, dataset = cs$data, derived = if (cs$data == "voteincome") "meaneducation = ave(education, state)" else NULL,
    formula = cs$formula, REML = TRUE,
    engine = paste("lme4", as.character(packageVersion("lme4"))),
    nobs = nobs(m), ngrps = as.list(ngrps(m)),
    fixef = named(fixef(m)), se = named(sqrt(diag(as.matrix(vcov(m))))),
    vcov = unname(as.matrix(vcov(m))),
    theta = unname(getME(m, "theta")), theta_names = names(getME(m, "theta")),
    sigma = sigma(m),
    varcorr = lapply(seq_len(nrow(vc)), function(i) list(grp = vc$grp[i], var1 = vc$var1[i], var2 = vc$var2[i], vcov = vc$vcov[i], sdcor = vc$sdcor[i])),
    logLik = as.numeric(logLik(m)), df = attr(logLik(m), "df"),
    AIC = AIC(m), BIC = BIC(m), deviance = deviance(m, REML = FALSE),
    REMLcrit = as.numeric(REMLcrit(m)),
    isSingular = isSingular(m),
    fitted = unname(fitted(m)), residuals = unname(residuals(m)),
    lme4_seconds = secs, lme4_evaluations = m0@optinfo$feval, lme4_default = attr(m, "lme4_default"),
    ranef = list(grpvar = as.character(re$grpvar), term = as.character(re$term), grp = as.character(re$grp),
                 condval = re$condval, condsd = re$condsd)
  )
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path("test/fixtures/zelig", paste0(cs$id, ".json")))
}
cat("done\n")
