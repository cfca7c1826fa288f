# What lme4 1.1-31 (and broom.mixed 0.2.9) compute downstream of a glmer fit, for test/glmer-*.test.ts:
# test/fixtures/glmer-downstream/<id>.json — predict.merMod on new data (including a new level of a grouping
# factor and re.form = NA), population-level standard errors sqrt(diag(X V X')) with V = vcov(m),
# broom.mixed's tidy/glance/augment, confint (Wald, profile) and anova between glmer fits.
#
# Each model is rebuilt at the reference optimum of test/fixtures/glmer/<id>.json (theta and beta, PIRLS at the
# fixture's tolPwrss), as tools/make-glmer-summary.R does, so that the numbers are those of the optimum and not
# of where lme4's default optimizer stopped. Models that no fixture holds (anova's smaller models) are fitted
# by glmer with bobyqa at tight tolerances (rhoend 1e-10, tolPwrss 1e-12).
#
# Profile intervals: profile(m, optimizer = "bobyqa") then confint. The model rebuilt at the reference optimum
# has as its optimizer one that only evaluates the deviance at the start, and profile.merMod re-optimizes the
# other parameters with the fit's own optimizer unless told otherwise: confint(m, method = "profile") of such
# a model does not re-optimize at all and its limits are too narrow (cbpp's intercept: [-1.8006, -1.0007],
# where lme4's default fit gives [-1.9012, -0.9478]). tools/make-glmer-reference.R made cbpp-binomial.json's
# confint.profile that way until it too passed optimizer = "bobyqa".
#
# Run from the project folder: Rscript tools/make-glmer-downstream.R [id ...]
# Needs Debian's r-cran-lme4 (1.1-31), r-cran-broom.mixed and r-cran-jsonlite.
suppressMessages({library(lme4); library(jsonlite); library(broom.mixed)})
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(warn = 1)
folder <- file.path("test", "fixtures", "glmer-downstream")
dir.create(folder, recursive = TRUE, showWarnings = FALSE)

at <- function(fn, par, lower, upper, control) list(par = par, fval = fn(par), conv = 0, feval = 1, message = "reference optimum")
data_of <- function(name) read.csv(file.path("datasets", paste0(name, ".csv")), stringsAsFactors = TRUE)

# the model of a glmer fixture at its reference optimum
model_of <- function(id) {
  r <- fromJSON(file.path("test", "fixtures", "glmer", paste0(id, ".json")))
  d <- data_of(r$dataset)
  fam <- get(r$family)(link = r$link)
  ctl <- glmerControl(tolPwrss = r$tolPwrss, optimizer = list(at, at), restart_edge = FALSE, boundary.tol = 0)
  start <- list(theta = as.numeric(r$theta), fixef = as.numeric(unlist(r$beta)))
  f <- as.formula(r$formula); environment(f) <- environment()
  cl <- call("glmer", f, data = quote(d), family = quote(fam), control = quote(ctl), start = quote(start), nAGQ = as.integer(r$nAGQ))
  if (!is.null(r$weights)) cl$weights <- as.name(r$weights)
  if (!is.null(r$offset) && r$offset != "in the formula") cl$offset <- str2lang(r$offset)
  m <- suppressWarnings(eval(cl))
  cl$devFunOnly <- TRUE
  cl$control <- glmerControl(tolPwrss = r$tolPwrss)
  cl$start <- NULL
  list(m = m, d = d, r = r, devfun = suppressWarnings(eval(cl)))
}
tight <- function(formula, d, family) {
  f <- as.formula(formula); environment(f) <- environment()
  suppressWarnings(glmer(f, data = d, family = family,
    control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(rhoend = 1e-10, maxfun = 1e5))))
}
na_null <- function(v) { v <- unname(v); if (is.factor(v)) v <- as.character(v); v }
df_list <- function(x) { x <- as.data.frame(x); lapply(x, na_null) }

# newdata: the first rows of the data and one row whose grouping factors are all new levels
predictions <- function(m, d, new_row) {
  nd <- head(d, 6)
  extra <- nd[1, , drop = FALSE]
  for (g in names(new_row)) extra[[g]] <- if (is.factor(extra[[g]])) factor(new_row[[g]]) else new_row[[g]]
  for (g in names(new_row)) if (is.factor(nd[[g]])) nd[[g]] <- as.character(nd[[g]])
  for (g in names(new_row)) if (is.factor(extra[[g]])) extra[[g]] <- as.character(extra[[g]])
  nd <- rbind(nd, extra)
  X <- model.matrix(delete.response(terms(m, fixed.only = TRUE)), model.frame(delete.response(terms(m, fixed.only = TRUE)), nd, xlev = lme4:::get.orig.levs(m, fixed.only = TRUE)))
  V <- as.matrix(vcov(m))
  list(
    newdata = df_list(nd),
    link = unname(predict(m, newdata = nd, type = "link", allow.new.levels = TRUE)),
    response = unname(predict(m, newdata = nd, type = "response", allow.new.levels = TRUE)),
    link_population = unname(predict(m, newdata = nd, type = "link", re.form = NA)),
    response_population = unname(predict(m, newdata = nd, type = "response", re.form = NA)),
    se_population = unname(sqrt(rowSums((X %*% V) * X))),
    own_link_head = unname(head(predict(m, type = "link"), 10)),
    own_response_head = unname(head(predict(m, type = "response"), 10)),
    own_population_head = unname(head(predict(m, re.form = NA, type = "response"), 10))
  )
}

broom_of <- function(m, d) {
  a <- suppressWarnings(as.data.frame(augment(m, d)))
  added <- grep("^\\.", names(a), value = TRUE)
  list(
    tidy = df_list(tidy(m, conf.int = TRUE)),
    tidy_ran_vals = df_list(head(as.data.frame(tidy(m, effects = "ran_vals")), 10)),
    glance = df_list(glance(m)),
    augment_columns = names(a),
    augment_head = df_list(head(a[, added], 10))
  )
}

write_out <- function(out, id) writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
                                         file.path(folder, paste0(id, ".json")))

cases <- list(
  list(id = "cbpp-binomial", new = list(herd = "new")),
  list(id = "grouseticks-poisson", new = list(BROOD = 999999, INDEX = 999999, LOCATION = 999999)),
  list(id = "Mmmec-offset", new = list(region = 999999)),
  list(id = "VerbAgg-crossed", new = list(id = 999999, item = "NewItem")),
  list(id = "sleepstudy-gamma-log", new = list(Subject = 999999)),
  # glmer's offset argument: lme4 1.1-31's predict(newdata =) leaves it out, so the reference adds it back
  # (link_with_offset = predict(...) + log(expected))
  list(id = "Mmmec-nested-offset-argument", new = list(nation = "Atlantis", region = 999999), broom = FALSE),
  list(id = "cbpp-binomial-agq25", new = list(herd = "new"), broom = FALSE)
)
only <- commandArgs(trailingOnly = TRUE)
# The profile limits solved exactly on lme4's own deviance function, with no spline:
# zeta(v) = sign(v - v0) sqrt(min over the other parameters of d(v) - d0), minimised by bobyqa (rhoend 1e-9) from
# the optimum (in units of the SEs), and zeta(v) = -/+1.959964 solved by uniroot (tol 1e-10) between the estimate and the first of
# est -/+ k se (k = 1, 2, 4, ...) past it (or the bound 0 of an SD), a check of lme4's spline-interpolated limits.
exact_profile_limits <- function(m, devfun) {
  # glmer's own deviance function of c(theta, beta) (devFunOnly = TRUE); with scalar terms and no dispersion
  # theta is the SD. Not devfun2 (profile's): at cbpp's and Mmmec's optima it is 3e-5 above this one, and
  # 3e-3 above it at Mmmec's upper intercept limit, where it puts zeta at 1.96 and this one at 1.9592.
  stopifnot(all(lengths(m@cnms) == 1))
  opt <- c(getME(m, "theta"), fixef(m))
  dd <- function(p) devfun(unname(p))
  base <- dd(opt)
  nth <- length(getME(m, "theta"))
  se <- c(pmax(abs(opt[seq_len(nth)]), 0.05), sqrt(diag(as.matrix(vcov(m)))))
  lower <- c(rep(0, nth), rep(-Inf, length(opt) - nth))
  z <- qnorm(0.975)
  # the other parameters in units of their SEs (unscaled, bobyqa stops short on Mmmec, whose uvb SE is 0.01)
  zeta <- function(j, v) {
    f <- function(x) { p <- opt; p[j] <- v; p[-j] <- x * se[-j]; dd(p) }
    r <- minqa::bobyqa(opt[-j] / se[-j], f, lower = lower[-j] / se[-j], control = list(rhobeg = 0.2, rhoend = 1e-9, maxfun = 1e5))
    sign(v - opt[j]) * sqrt(max(0, r$fval - base))
  }
  profile_names <- c(paste0("sd_", unlist(m@cnms), "|", names(m@cnms)), names(fixef(m)))
  limits <- t(vapply(seq_along(opt), function(j) vapply(c(-1, 1), function(side) {
    k <- 1
    repeat {
      outer <- opt[j] + side * k * se[j]
      if (outer <= lower[j]) {
        outer <- lower[j]
        if (side * zeta(j, outer) <= z) return(lower[j])
        break
      }
      if (side * zeta(j, outer) > z) break
      k <- k * 2
    }
    uniroot(function(v) zeta(j, v) - side * z, sort(c(opt[j], outer)), tol = 1e-10)$root
  }, 0), c(0, 0)))
  list(parameters = profile_names, lower = unname(limits[, 1]), upper = unname(limits[, 2]))
}
profile_limits <- function(m) {
  ci <- confint(profile(m, signames = FALSE, optimizer = "bobyqa"))
  list(parameters = rownames(ci), lower = unname(ci[, 1]), upper = unname(ci[, 2]))
}
for (cs in cases) {
  if (length(only) && !(cs$id %in% only)) next
  cat(cs$id, "\n")
  x <- model_of(cs$id)
  out <- list(id = cs$id, predict = predictions(x$m, x$d, cs$new))
  if (!isFALSE(cs$broom)) out$broom <- broom_of(x$m, x$d)
  if (cs$id == "Mmmec-nested-offset-argument") {
    nd <- out$predict$newdata
    off <- log(nd$expected)
    out$predict$link_with_offset <- out$predict$link + off
    out$predict$link_population_with_offset <- out$predict$link_population + off
  }
  if (cs$id %in% c("cbpp-binomial", "Mmmec-offset", "grouseticks-poisson")) {
    w <- confint(x$m, method = "Wald", oldNames = FALSE)
    out$confint_wald <- list(parameters = rownames(w), lower = unname(w[, 1]), upper = unname(w[, 2]))
  }
  if (cs$id %in% c("cbpp-binomial", "Mmmec-offset", "cbpp-binomial-agq25")) {
    out$confint_profile <- profile_limits(x$m)
    out$confint_profile_exact <- exact_profile_limits(x$m, x$devfun)
  }
  if (cs$id == "Mmmec-offset") {
    m0 <- tight("deaths ~ 1 + offset(log(expected)) + (1 | region)", x$d, poisson)
    m2 <- tight("deaths ~ uvb + offset(log(expected)) + (1 | region) + (1 | nation)", x$d, poisson)
    a <- anova(x$m, m0, m2)
    out$anova <- list(models = c("deaths ~ 1 + offset(log(expected)) + (1 | region)", x$r$formula,
                                 "deaths ~ uvb + offset(log(expected)) + (1 | region) + (1 | nation)"),
                      rows = rownames(a), npar = a$npar, AIC = a$AIC, BIC = a$BIC, logLik = a$logLik,
                      deviance = a$deviance, Chisq = a$Chisq, Df = a[["Df"]], p = a[["Pr(>Chisq)"]],
                      printed = capture.output(print(a)))
  }
  write_out(out, cs$id)
}
# A vector random-effects term: epil's Poisson model with (V4 | subject), fitted by glmer at tight tolerances,
# its profile limits by lme4 (profile with bobyqa, splines) and solved exactly on glmer's deviance function with
# the (SD, correlation, SD) parameters mapped to theta; the correlation's lower limit is its bound -1.
if (!length(only) || "epil-vector" %in% only) {
  cat("epil-vector\n")
  d <- data_of("epil")
  f <- y ~ lbase + trt + (V4 | subject)
  ctl <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(rhoend = 1e-10, maxfun = 1e5))
  m <- glmer(f, data = d, family = poisson, control = ctl)
  devfun <- glmer(f, data = d, family = poisson, control = glmerControl(tolPwrss = 1e-12), devFunOnly = TRUE)
  ci <- confint(profile(m, signames = FALSE, optimizer = "bobyqa"))
  th <- unname(getME(m, "theta")); s1 <- sqrt(th[2]^2 + th[3]^2)
  opt <- c(th[1], th[2] / s1, s1, unname(fixef(m)))
  to_theta <- function(p) c(p[1], p[2] * p[3], p[3] * sqrt(max(0, 1 - p[2]^2)))
  dd <- function(p) devfun(c(to_theta(p[1:3]), p[-(1:3)]))
  base <- dd(opt)
  se <- c(pmax(abs(opt[1]), 0.05), 0.5, pmax(abs(opt[3]), 0.05), sqrt(diag(as.matrix(vcov(m)))))
  lower <- c(0, -1, 0, rep(-Inf, 3)); upper <- c(Inf, 1, Inf, rep(Inf, 3))
  z <- qnorm(0.975)
  zeta <- function(j, v) {
    g <- function(x) { p <- opt; p[j] <- v; p[-j] <- x * se[-j]; dd(p) }
    r <- minqa::bobyqa(opt[-j] / se[-j], g, lower = lower[-j] / se[-j], upper = upper[-j] / se[-j],
                       control = list(rhobeg = 0.1, rhoend = 1e-9, maxfun = 1e5))
    sign(v - opt[j]) * sqrt(max(0, r$fval - base))
  }
  limit <- function(j, side) {
    step <- if (j == 2) 0.25 else se[j]
    k <- 1
    repeat {
      outer <- opt[j] + side * k * step
      bound <- if (side < 0) lower[j] else upper[j]
      if ((side < 0 && outer <= bound) || (side > 0 && outer >= bound)) {
        outer <- bound
        if (side * zeta(j, outer) <= z) return(bound)
        break
      }
      if (side * zeta(j, outer) > z) break
      k <- k * 2
    }
    uniroot(function(v) zeta(j, v) - side * z, sort(c(opt[j], outer)), tol = 1e-10)$root
  }
  exact <- t(vapply(seq_along(opt), function(j) c(limit(j, -1), limit(j, 1)), c(0, 0)))
  write_out(list(id = "epil-vector", formula = "y ~ lbase + trt + (V4 | subject)", family = "poisson",
                 theta = th, beta = unname(fixef(m)), objective = base,
                 confint_profile = list(parameters = rownames(ci), lower = unname(ci[, 1]), upper = unname(ci[, 2])),
                 confint_profile_exact = list(parameters = rownames(ci), lower = unname(exact[, 1]), upper = unname(exact[, 2]))),
            "epil-vector")
}
cat("done\n")
