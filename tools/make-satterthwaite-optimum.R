# lmerTest's Satterthwaite df and p-values at the exact optimum of the profiled criterion, for every case of
# test/fixtures/reference with a `satterthwaite` field; written to test/fixtures/inference/satterthwaite-optimum.json.
#
# lme4 stops BOBYQA at xtol_abs = ftol_abs = 1e-8, which can leave θ 1e-5 from the optimum where the
# criterion is flat; a p-value of 1e-18 then moves by 1e-3. Here the criterion (lme4's own devfun) is
# minimised with tolerances near machine precision by NLopt's BOBYQA from lme4's start values and, from
# lme4's estimate, by Powell's BOBYQA (minqa) and R's Nelder-Mead (Brent's method when θ has one value).
# The lowest is the optimum; the largest distance between them (`theta_spread`) and the largest relative
# difference of their p-values (`p_spread`) say how sure it is. The model is rebuilt at each θ without optimizing and lmerTest's
# summary() read off it.
#
# Run from the project folder: Rscript tools/make-satterthwaite-optimum.R
# Needs Debian's r-cran-lme4, r-cran-lmertest and r-cran-jsonlite.
suppressMessages({library(lme4); library(lmerTest); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

folder <- file.path("test", "fixtures", "reference")
refs <- lapply(sort(list.files(folder, pattern = "[.]json$", full.names = TRUE)), fromJSON)
refs <- Filter(function(r) !is.null(r$satterthwaite), refs)

tight <- list(xtol_abs = 1e-14, ftol_abs = 1e-14, xtol_rel = 0, ftol_rel = 0, maxeval = 1e5)
out <- lapply(refs, function(r) {
  cat(r$id, "\n")
  d <- read.csv(file.path("datasets", paste0(r$dataset, ".csv")), stringsAsFactors = TRUE)
  f <- as.formula(r$formula)
  m <- lmer(f, d, REML = r$REML)
  devfun <- lmer(f, d, REML = r$REML, devFunOnly = TRUE)
  lower <- as.numeric(getME(m, "lower"))
  theta <- as.numeric(getME(m, "theta"))
  nlopt <- nloptwrap(ifelse(lower == 0, 1, 0), devfun, lower = lower, upper = rep(Inf, length(lower)), control = tight)$par
  runs <- if (length(theta) == 1) {
    list(nlopt_bobyqa = nlopt,
         brent = optimize(devfun, c(0, 2 * theta + 1), tol = 1e-15)$minimum)
  } else {
    list(nlopt_bobyqa = nlopt,
         minqa_bobyqa = minqa::bobyqa(theta, devfun, lower = lower, control = list(rhobeg = 1e-3, rhoend = 1e-13, maxfun = 1e5))$par,
         nelder_mead = pmax(optim(theta, function(x) devfun(pmax(x, lower)), method = "Nelder-Mead",
                                  control = list(reltol = 1e-18, maxit = 1e5))$par, lower))
  }
  tests <- lapply(runs, function(th) {
    at <- lmer(f, d, REML = r$REML, start = th, control = lmerControl(optimizer = NULL))
    s <- coef(summary(as(at, "lmerModLmerTest")))
    list(df = setNames(as.list(s[, "df"]), rownames(s)), p = setNames(as.list(s[, "Pr(>|t|)"]), rownames(s)))
  })
  crit <- sapply(runs, devfun)
  best <- which.min(crit)
  apart <- function(get) max(sapply(runs, function(x) max(abs(get(x) - get(runs[[best]])))))
  relp <- function(t) max(abs(unlist(t$p) / unlist(tests[[best]]$p) - 1), na.rm = TRUE)
  list(
    id = r$id, dataset = r$dataset, formula = r$formula, REML = r$REML,
    engine = paste("lme4", packageVersion("lme4"), "lmerTest", packageVersion("lmerTest")),
    lme4_theta = theta, lme4_criterion = devfun(theta),
    optimizer = names(runs)[best], theta = runs[[best]], criterion = crit[[best]],
    runs = lapply(names(runs), function(k) list(optimizer = k, theta = runs[[k]], criterion = crit[[k]])),
    theta_spread = apart(identity), criterion_spread = max(crit) - min(crit),
    p_spread = max(sapply(tests, relp)),
    satterthwaite = tests[[best]]
  )
})
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path("test", "fixtures", "inference", "satterthwaite-optimum.json"))
cat("done\n")
