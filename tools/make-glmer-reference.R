# glmer reference fits for test/fixtures/glmer/, at the optimum rather than where lme4's default stopped.
# Run from the project folder: nice -n 10 Rscript tools/make-glmer-reference.R [id ...]
# (with ids, only those cases are rebuilt). Needs Debian's r-cran-lme4 (1.1-31), r-cran-mlmrev,
# r-cran-mass, r-cran-minqa and r-cran-jsonlite.
#
# Each case: the data set is written to datasets/ (as ../shared/tools/make-reference.R writes them) and read
# back with read.csv, so what is fitted is what a reader of the CSV sees (factor levels in C-locale
# alphabetical order; factors whose labels are numbers come back as numbers, hence `factor(period)`).
# 1. glmer's default call, timed (lme4_seconds), its warnings kept (lme4_warnings).
# 2. The deviance function of that model, lme4's own (glmer(..., devFunOnly = TRUE): a function of
#    c(theta, beta) for nAGQ >= 1, of theta for nAGQ = 0), minimized from lme4's estimate by bobyqa,
#    nlminb, Nelder-Mead and nloptwrap at tight tolerances, then bobyqa again from the best of them.
#    The lowest is the reference optimum; every optimizer's value is kept (optimizers), as is lme4's.
# 3. The model at that optimum: glmer again with start = the optimum and an "optimizer" that only
#    evaluates the deviance function there (so every lme4 extractor reads the state at the optimum).
#    Its convergence check (gradient at the optimum) is kept as optimum_gradient.
suppressMessages({library(lme4); library(jsonlite); library(minqa)})
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(warn = 1)

data_dir <- "datasets"
out_dir <- "test/fixtures/glmer"
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

# -- data sets ------------------------------------------------------------------------------------------
plain <- function(df) {
  df <- as.data.frame(df)
  for (n in names(df)) {
    v <- df[[n]]
    if (is.factor(v)) {
      lv <- levels(v)
      num <- suppressWarnings(as.numeric(lv))
      df[[n]] <- if (!anyNA(num)) num[as.integer(v)] else as.character(v)
    } else if (!is.numeric(v) && !is.character(v)) df[[n]] <- as.vector(v)
    attr(df[[n]], "names") <- NULL
  }
  df
}
new_data <- list(
  cbpp = lme4::cbpp,
  VerbAgg = lme4::VerbAgg,
  grouseticks = lme4::grouseticks,
  bacteria = MASS::bacteria,
  Contraception = mlmRev::Contraception,
  epil = MASS::epil,
  Mmmec = mlmRev::Mmmec
)
for (n in names(new_data))
  write.csv(plain(new_data[[n]]), file.path(data_dir, paste0(n, ".csv")), row.names = FALSE, na = "")
# sleepstudy.csv and voteincome.csv are the project's (written by ../shared/tools/make-reference.R).
read_back <- function(name) read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = TRUE)

# -- cases ----------------------------------------------------------------------------------------------
cbpp_f <- "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)"
contra_f <- "use ~ urban + age + livch + (1 | district)"
cases <- list(
  list(id = "cbpp-binomial", data = "cbpp", formula = cbpp_f, family = "binomial", link = "logit", nAGQ = 1,
       anova_without = "cbind(incidence, size - incidence) ~ 1 + (1 | herd)", confint = TRUE),
  list(id = "cbpp-binomial-agq25", data = "cbpp", formula = cbpp_f, family = "binomial", link = "logit", nAGQ = 25),
  list(id = "cbpp-binomial-nagq0", data = "cbpp", formula = cbpp_f, family = "binomial", link = "logit", nAGQ = 0),
  list(id = "cbpp-proportion-weights", data = "cbpp", formula = "incidence / size ~ factor(period) + (1 | herd)",
       family = "binomial", link = "logit", nAGQ = 1, weights = "size"),
  list(id = "cbpp-cloglog", data = "cbpp", formula = cbpp_f, family = "binomial", link = "cloglog", nAGQ = 1),
  list(id = "VerbAgg-crossed", data = "VerbAgg", formula = "r2 ~ (Anger + Gender + btype + situ) + (1 | id) + (1 | item)",
       family = "binomial", link = "logit", nAGQ = 1),
  list(id = "grouseticks-poisson", data = "grouseticks",
       formula = "TICKS ~ factor(YEAR) + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)",
       family = "poisson", link = "log", nAGQ = 1),
  list(id = "sleepstudy-gamma-log", data = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)",
       family = "Gamma", link = "log", nAGQ = 1),
  list(id = "sleepstudy-inverse-gaussian-log", data = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)",
       family = "inverse.gaussian", link = "log", nAGQ = 1),
  list(id = "bacteria-probit", data = "bacteria", formula = "y ~ trt + I(week > 2) + (1 | ID)",
       family = "binomial", link = "probit", nAGQ = 1),
  list(id = "voteincome-gaussian-log", data = "voteincome", formula = "income ~ education + age + female + (1 | state)",
       family = "gaussian", link = "log", nAGQ = 1),
  list(id = "Contraception-intercept", data = "Contraception", formula = contra_f, family = "binomial", link = "logit", nAGQ = 1),
  list(id = "Contraception-agq9", data = "Contraception", formula = contra_f, family = "binomial", link = "logit", nAGQ = 9),
  list(id = "Contraception-slope", data = "Contraception", formula = "use ~ age + urban + livch + (urban | district)",
       family = "binomial", link = "logit", nAGQ = 1),
  list(id = "Mmmec-offset", data = "Mmmec", formula = "deaths ~ uvb + offset(log(expected)) + (1 | region)",
       family = "poisson", link = "log", nAGQ = 1),
  list(id = "Mmmec-nested-offset-argument", data = "Mmmec", formula = "deaths ~ uvb + (1 | nation/region)",
       family = "poisson", link = "log", nAGQ = 1, offset = "log(expected)"),
  list(id = "voteincome-logit", data = "voteincome", formula = "vote ~ education + age + female + (1 | state)",
       family = "binomial", link = "logit", nAGQ = 1),
  list(id = "voteincome-probit", data = "voteincome", formula = "vote ~ education + age + female + (1 | state)",
       family = "binomial", link = "probit", nAGQ = 1),
  list(id = "epil-poisson-interaction", data = "epil", formula = "y ~ lbase * trt + lage + V4 + (1 | subject)",
       family = "poisson", link = "log", nAGQ = 1)
)

# -- fitting ----------------------------------------------------------------------------------------------
# glmer called with symbols (data = d, weights = <column>), so that the call stays short and update()/profile()
# can re-evaluate it in this frame.
glmer_call <- function(cs, d, control = NULL, start = NULL, devFunOnly = FALSE, formula = cs$formula) {
  fam <- get(cs$family)(link = cs$link)
  f <- as.formula(formula)
  environment(f) <- environment()
  cl <- call("glmer", f, data = quote(d), family = quote(fam), nAGQ = cs$nAGQ)
  if (!is.null(cs$weights)) cl$weights <- as.name(cs$weights)
  if (!is.null(cs$offset)) cl$offset <- str2lang(cs$offset)
  if (!is.null(control)) cl$control <- quote(control)
  if (!is.null(start)) cl$start <- quote(start)
  if (devFunOnly) cl$devFunOnly <- TRUE
  eval(cl)
}

collect_warnings <- function(expr) {
  w <- character()
  r <- withCallingHandlers(expr, warning = function(x) {
    w <<- c(w, conditionMessage(x)); invokeRestart("muffleWarning")
  })
  list(value = r, warnings = w)
}

timed_default <- function(cs, d, reps) {
  times <- numeric(reps)
  for (r in seq_len(reps)) {
    times[r] <- system.time(fit <- collect_warnings(glmer_call(cs, d)))[["elapsed"]]
  }
  list(model = fit$value, warnings = fit$warnings, seconds = median(times))
}

params_of <- function(m, nAGQ) if (nAGQ == 0) unname(getME(m, "theta")) else unname(c(getME(m, "theta"), fixef(m)))

# PIRLS converged tightly: at glmer's default tolPwrss (1e-7) the deviance function's value depends on where
# PIRLS starts by up to ~3e-6 relative (cbpp: 184.05313 from lme4's stage-1 start, 184.05257 converged), more
# than the tolerance the fixtures are for. At 1e-12 it changes with the start by ~1e-10 relative (binomial,
# Poisson) to ~1e-8 (Gamma, inverse.gaussian). Where PIRLS fails at 1e-12 (it can stall at the last digits)
# the next of 1e-11, 1e-10, 1e-9 is used; the fixture records which (tolPwrss).
tolerances <- c(1e-12, 1e-11, 1e-10, 1e-9)
tight_control <- function(cs, ...) glmerControl(tolPwrss = cs$tolPwrss, ...)

# Minimize lme4's own deviance function from lme4's estimate with several optimizers at tight tolerances.
best_optimum <- function(cs, d, m) {
  dev <- suppressWarnings(glmer_call(cs, d, devFunOnly = TRUE, control = tight_control(cs)))
  ntheta <- length(getME(m, "theta"))
  p0 <- params_of(m, cs$nAGQ)
  lower <- c(getME(m, "lower"), rep(-Inf, length(p0) - ntheta))
  upper <- rep(Inf, length(p0))
  fn <- function(p) { v <- dev(p); if (is.finite(v)) v else 1e300 }
  start_value <- fn(p0)
  attempt <- function(name, run) {
    t <- system.time(r <- tryCatch(run(), error = function(e) { message(name, ": ", conditionMessage(e)); NULL }))
    if (is.null(r)) return(NULL)
    r$par <- unname(r$par)
    r$fval <- fn(r$par)  # evaluated afresh, the same way for every optimizer
    r$name <- name; r$seconds <- t[["elapsed"]]
    r
  }
  bq <- function(p) function() { r <- minqa::bobyqa(p, fn, lower = lower, upper = upper,
    control = list(rhobeg = 0.02, rhoend = 1e-11, maxfun = 50000)); list(par = r$par, evals = r$feval) }
  runs <- list(
    attempt("bobyqa", bq(p0)),
    attempt("nlminb", function() { r <- nlminb(p0, fn, lower = lower, upper = upper,
      control = list(eval.max = 50000, iter.max = 20000, rel.tol = 1e-14, x.tol = 1e-12)); list(par = r$par, evals = r$evaluations[["function"]]) }),
    attempt("Nelder_Mead", function() { r <- lme4::Nelder_Mead(fn, p0, lower = lower, upper = upper,
      control = list(FtolAbs = 1e-14, FtolRel = 1e-15, XtolRel = 1e-12, maxfun = 50000)); list(par = r$par, evals = r$feval) }),
    attempt("nloptwrap", function() { r <- lme4::nloptwrap(p0, fn, lower = lower, upper = upper,
      control = list(xtol_abs = 1e-12, ftol_abs = 1e-15, ftol_rel = 1e-15, xtol_rel = 1e-12, maxeval = 50000)); list(par = r$par, evals = r$feval) })
  )
  runs <- Filter(Negate(is.null), runs)
  best <- runs[[which.min(vapply(runs, function(r) r$fval, 0))]]
  polish <- attempt(paste0("bobyqa from ", best$name), bq(best$par))
  if (!is.null(polish)) runs <- c(runs, list(polish))
  best <- runs[[which.min(vapply(runs, function(r) r$fval, 0))]]
  if (start_value < best$fval) best <- list(par = p0, fval = start_value, name = "lme4 default")
  # gradient at the optimum by central differences (forward from a bound), step 1e-5 of the scale
  gradient <- vapply(seq_along(best$par), function(i) {
    h <- 1e-5 * max(1, abs(best$par[i])); up <- best$par; up[i] <- up[i] + h
    if (best$par[i] - h < lower[i]) return((fn(up) - best$fval) / h)
    dn <- best$par; dn[i] <- dn[i] - h
    (fn(up) - fn(dn)) / (2 * h)
  }, 0)
  list(par = best$par, fval = best$fval, winner = best$name, gradient = gradient, ntheta = ntheta, lme4_value = start_value,
       optimizers = lapply(runs, function(r) list(optimizer = r$name, objective = r$fval, evaluations = r$evals,
                                                   seconds = r$seconds, above_optimum = r$fval - best$fval, par = r$par)))
}

# The model at the given parameters: an "optimizer" that only evaluates the deviance function there.
model_at <- function(cs, d, par, ntheta) {
  at <- function(fn, par, lower, upper, control) list(par = par, fval = fn(par), conv = 0, feval = 1,
                                                       message = "reference optimum")
  if (cs$nAGQ == 0) {
    ctl <- tight_control(cs, optimizer = list(at, at), restart_edge = FALSE, boundary.tol = 0)
    st <- list(theta = par)
  } else {
    # stage 1 (nAGQ = 0) is evaluated at the optimum's theta, stage 2 at the optimum
    ctl <- tight_control(cs, optimizer = list(at, at), restart_edge = FALSE, boundary.tol = 0)
    st <- list(theta = par[seq_len(ntheta)], fixef = par[-seq_len(ntheta)])
  }
  collect_warnings(glmer_call(cs, d, control = ctl, start = st))
}

# -- recording ----------------------------------------------------------------------------------------------
named <- function(v) as.list(setNames(as.numeric(v), names(v)))
head_sum <- function(v) list(head = unname(head(as.numeric(v), 20)), sum = sum(v), sumsq = sum(v^2))

varcorr_rows <- function(m) {
  vc <- as.data.frame(VarCorr(m))
  lapply(seq_len(nrow(vc)), function(i) list(grp = vc$grp[i], var1 = if (is.na(vc$var1[i])) NULL else vc$var1[i],
    var2 = if (is.na(vc$var2[i])) NULL else vc$var2[i], vcov = vc$vcov[i], sdcor = vc$sdcor[i]))
}

coef_table <- function(m) {
  co <- coef(summary(m))
  list(names = rownames(co), estimate = unname(co[, 1]), se = unname(co[, 2]),
       statistic_name = colnames(co)[3], statistic = unname(co[, 3]),
       p_name = if (ncol(co) >= 4) colnames(co)[4] else NULL, p = if (ncol(co) >= 4) unname(co[, 4]) else NULL)
}

factor_levels <- function(m) {
  mf <- model.frame(m)
  fs <- Filter(is.factor, as.list(mf))
  lapply(fs, levels)
}

record <- function(cs, d, t, opt, ref, tolPwrss) {
  m <- ref$value
  fam <- family(m)
  has_dispersion <- fam$family %in% c("Gamma", "gaussian", "inverse.gaussian")
  re <- as.data.frame(ranef(m, condVar = TRUE))
  ll <- logLik(m)
  lme4m <- t$model
  nd <- head(d, 5)
  predictions <- tryCatch(list(
    rows = 1:5,
    link_conditional = unname(predict(m, newdata = nd, type = "link")),
    response_conditional = unname(predict(m, newdata = nd, type = "response")),
    link_population = unname(predict(m, newdata = nd, type = "link", re.form = NA)),
    response_population = unname(predict(m, newdata = nd, type = "response", re.form = NA))
  ), error = function(e) NULL)
  # lme4's predict(newdata =) leaves out an offset given as glmer's argument (not one in the formula):
  # not a reference, so not recorded
  if (!is.null(cs$offset)) predictions <- NULL
  # how far a parameter vector is from the optimum: theta absolutely, beta in standard errors
  se <- sqrt(diag(as.matrix(vcov(m))))
  nth <- length(getME(m, "theta"))
  shift <- function(par, beta = NULL) {
    th <- par[seq_len(nth)]
    b <- if (!is.null(beta)) beta else if (length(par) > nth) par[-seq_len(nth)] else NULL
    list(max_theta_shift = max(abs(th - getME(m, "theta"))),
         max_beta_shift_se = if (is.null(b)) NULL else max(abs(b - fixef(m)) / se))
  }
  optimizers <- lapply(opt$optimizers, function(o) { s <- shift(o$par); o$par <- NULL; c(o, s) })
  out <- list(
    id = cs$id, dataset = cs$data, formula = cs$formula, family = fam$family, link = fam$link, nAGQ = cs$nAGQ,
    weights = cs$weights, offset = if (!is.null(cs$offset)) cs$offset else if (grepl("offset(", cs$formula, fixed = TRUE)) "in the formula" else NULL,
    engine = paste("lme4", as.character(packageVersion("lme4"))),
    nobs = nobs(m), ngrps = as.list(ngrps(m)), levels = factor_levels(m),
    theta = unname(getME(m, "theta")), theta_names = names(getME(m, "theta")),
    beta = named(fixef(m)),
    se = named(sqrt(diag(as.matrix(vcov(m))))),
    vcov = unname(as.matrix(vcov(m))),
    # lme4's vcov for a GLMM inverts the finite-difference Hessian of the deviance function in (theta, beta)
    # (optinfo$derivs, nAGQ >= 1); without it (nAGQ = 0) it is sigma^2 (R_X' R_X)^-1 from PIRLS. Both kept.
    vcov_from_hessian = !is.null(m@optinfo$derivs$Hessian),
    se_rx = named(sqrt(diag(as.matrix(suppressWarnings(vcov(m, use.hessian = FALSE)))))),
    vcov_rx = unname(as.matrix(suppressWarnings(vcov(m, use.hessian = FALSE)))),
    varcorr = varcorr_rows(m),
    sigma = if (has_dispersion) sigma(m) else NULL,
    deviance = deviance(m),
    objective = opt$fval,
    objective_recorded_model = m@devcomp$cmp[["dev"]],
    tolPwrss = tolPwrss,
    minus2logLik = -2 * as.numeric(ll),
    logLik = as.numeric(ll), df = attr(ll, "df"),
    AIC = AIC(m), BIC = BIC(m), df_residual = df.residual(m),
    isSingular = isSingular(m),
    coefficients = coef_table(m),
    ranef = list(grpvar = as.character(re$grpvar), term = as.character(re$term), grp = as.character(re$grp),
                 condval = re$condval, condsd = re$condsd),
    fitted = head_sum(fitted(m)),
    residuals = list(deviance = head_sum(residuals(m, type = "deviance")),
                     pearson = head_sum(residuals(m, type = "pearson")),
                     response = head_sum(residuals(m, type = "response")),
                     working = head_sum(residuals(m, type = "working"))),
    predict_first_rows = predictions,
    optimum = list(found_by = opt$winner, parameters = if (cs$nAGQ == 0) "theta" else "theta, beta",
                   gradient = opt$gradient, max_abs_gradient = max(abs(opt$gradient)),
                   warnings = if (length(ref$warnings)) ref$warnings else NULL),
    optimizers = optimizers,
    lme4_default = list(theta = unname(getME(lme4m, "theta")), beta = named(fixef(lme4m)),
                        deviance = deviance(lme4m),
                        minus2logLik = -2 * as.numeric(logLik(lme4m)),
                        objective = opt$lme4_value,
                        above_optimum = opt$lme4_value - opt$fval,
                        relative_above_optimum = (opt$lme4_value - opt$fval) / abs(opt$fval),
                        reported_minus2logLik_above_optimum = -2 * as.numeric(logLik(lme4m)) - opt$fval,
                        max_theta_shift = shift(getME(lme4m, "theta"), fixef(lme4m))$max_theta_shift,
                        max_beta_shift_se = shift(getME(lme4m, "theta"), fixef(lme4m))$max_beta_shift_se,
                        evaluations = lme4m@optinfo$feval),
    lme4_seconds = t$seconds,
    lme4_warnings = if (length(t$warnings)) t$warnings else NULL
  )
  out
}

fit_case <- function(cs) {
  d <- read_back(cs$data)
  t <- timed_default(cs, d, if (nrow(d) > 5000) 1 else 3)
  opt <- NULL
  for (tol in tolerances) {
    cs$tolPwrss <- tol
    opt <- tryCatch(best_optimum(cs, d, t$model), error = function(e) {
      message(cs$id, ": tolPwrss ", tol, ": ", conditionMessage(e)); NULL })
    if (!is.null(opt)) break
  }
  ref <- model_at(cs, d, opt$par, opt$ntheta)
  list(d = d, t = t, opt = opt, ref = ref, tolPwrss = cs$tolPwrss)
}

write_fixture <- function(out, id) {
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(out_dir, paste0(id, ".json")))
}

only <- commandArgs(trailingOnly = TRUE)
total <- system.time(for (cs in cases) {
  if (length(only) && !(cs$id %in% only)) next
  t0 <- proc.time()[["elapsed"]]
  r <- fit_case(cs)
  out <- record(cs, r$d, r$t, r$opt, r$ref, r$tolPwrss)
  if (!is.null(cs$anova_without)) {
    # likelihood-ratio test against the model without the fixed-effect factor, both at their optimum
    cs0 <- cs; cs0$formula <- cs$anova_without; cs0$id <- paste0(cs$id, "-null")
    r0 <- fit_case(cs0)
    m0 <- r0$ref$value; m1 <- r$ref$value
    a <- anova(m0, m1)
    out$anova <- list(models = c(cs$anova_without, cs$formula), npar = a$npar, AIC = a$AIC, BIC = a$BIC,
                      logLik = a$logLik, deviance = a$deviance, Chisq = a$Chisq, Df = a[["Df"]], p = a[["Pr(>Chisq)"]],
                      lme4_default_logLik_null = as.numeric(logLik(r0$t$model)))
  }
  if (isTRUE(cs$confint)) {
    m1 <- r$ref$value
    w <- confint(m1, method = "Wald", oldNames = FALSE)
    # optimizer = "bobyqa": the model at the optimum was built with an evaluate-only optimizer, which
    # profile.merMod would reuse (re-optimizing nothing)
    pr <- collect_warnings(confint(m1, method = "profile", oldNames = FALSE, optimizer = "bobyqa"))
    out$confint <- list(
      wald = list(parameters = rownames(w), lower = unname(w[, 1]), upper = unname(w[, 2])),
      profile = list(parameters = rownames(pr$value), lower = unname(pr$value[, 1]), upper = unname(pr$value[, 2]),
                     warnings = if (length(pr$warnings)) pr$warnings else NULL))
  }
  write_fixture(out, cs$id)
  cat(sprintf("%-34s objective %.10f lme4 above by %.3g (rel %.3g) via %s; lme4 %.2fs; case %.1fs%s\n",
              cs$id, r$opt$fval, out$lme4_default$above_optimum, out$lme4_default$relative_above_optimum,
              r$opt$winner, r$t$seconds, proc.time()[["elapsed"]] - t0,
              if (length(r$t$warnings)) paste0("\n    lme4 warned: ", paste(r$t$warnings, collapse = " | ")) else ""))
})
cat(sprintf("done in %.0f s\n", total[["elapsed"]]))
