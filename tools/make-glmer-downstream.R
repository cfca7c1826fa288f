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
# where lme4's default fit gives [-1.9012, -0.9478]). test/fixtures/glmer/cbpp-binomial.json's confint.profile
# was made that way (tools/make-glmer-reference.R) and is not a reference for profile limits.
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
  cl <- call("glmer", f, data = quote(d), family = quote(fam), control = quote(ctl), start = quote(start))
  if (!is.null(r$weights)) cl$weights <- as.name(r$weights)
  if (!is.null(r$offset) && r$offset != "in the formula") cl$offset <- str2lang(r$offset)
  list(m = suppressWarnings(eval(cl)), d = d, r = r)
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
  list(id = "sleepstudy-gamma-log", new = list(Subject = 999999))
)
only <- commandArgs(trailingOnly = TRUE)
profile_limits <- function(m) {
  ci <- confint(profile(m, signames = FALSE, optimizer = "bobyqa"))
  list(parameters = rownames(ci), lower = unname(ci[, 1]), upper = unname(ci[, 2]))
}
for (cs in cases) {
  if (length(only) && !(cs$id %in% only)) next
  cat(cs$id, "\n")
  x <- model_of(cs$id)
  out <- list(id = cs$id, predict = predictions(x$m, x$d, cs$new), broom = broom_of(x$m, x$d))
  if (cs$id %in% c("cbpp-binomial", "Mmmec-offset", "grouseticks-poisson")) {
    w <- confint(x$m, method = "Wald", oldNames = FALSE)
    out$confint_wald <- list(parameters = rownames(w), lower = unname(w[, 1]), upper = unname(w[, 2]))
  }
  if (cs$id %in% c("cbpp-binomial", "Mmmec-offset")) {
    out$confint_profile <- profile_limits(x$m)
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
cat("done\n")
