# Builds test/fixtures/broom/<id>.json: broom.mixed's tidy, glance and augment of every reference fit of
# test/fixtures/reference (those with a data set, a formula and a REML flag), fitted with lmerTest::lmer.
# Run from the repository's root:
#   Rscript tools/make-broom.R
# Needs Debian's r-cran-lmertest r-cran-broom.mixed r-cran-pbkrtest r-cran-jsonlite.
#
# The references hold the optimum itself (lme4's fit refitted at tight tolerances, make-reference.R), while
# lmer's default stop may be short of it by up to ~1e-6 in the criterion. So each model is fitted here from
# the reference's θ with BOBYQA at rhoend = 1e-12: R's broom values are then those at the optimum, and the
# test can compare at tolerances set by the optimum's precision instead of by lme4's default stopping rule.
# The criterion reached is stored (criterion, and reference_criterion) so the test can check that claim.
#
# Stored per fit:
#   tidy:         tidy(m, effects = c("fixed", "ran_pars"), conf.int = TRUE)  (Satterthwaite df, Wald t intervals)
#   tidy_kr:      tidy(m, effects = "fixed", conf.int = TRUE, ddf.method = "Kenward-Roger")  (REML fits under 5000 rows)
#   tidy_ran_vals: tidy(m, effects = "ran_vals", conf.int = TRUE)  (fits whose reference holds ranef)
#   glance:       glance(m)
#   augment:      augment(m, data = d), all rows, or the first 50 rows for fits over 5000 rows (InstEval)
# One more case, not a reference fit: sleepstudy-weights-exclude, sleepstudy with prior weights
# w = (Days + 1) / 5 and Reaction missing in rows 4 and 51 (1-based), fitted with na.action = na.exclude
# (tight BOBYQA from lme4's start): augment's weight columns and its NA-padded rows, and fitted/residuals
# padded as lme4's naresid gives them (stored as `fitted`, `residuals`).
# Tables are stored column-wise (every column an array, even of one value); NA is null.
suppressMessages({library(lmerTest); library(broom.mixed); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(warn = 1)

dir.create("test/fixtures/broom", recursive = TRUE, showWarnings = FALSE)
columns <- function(df) {
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  out <- lapply(df, function(v) if (is.factor(v)) as.character(v) else unname(v))
  names(out) <- names(df)
  out
}
criterion <- function(m) if (isREML(m)) REMLcrit(m) else deviance(m)

for (file in sort(list.files("test/fixtures/reference", pattern = "\\.json$", full.names = TRUE))) {
  ref <- fromJSON(file, simplifyVector = TRUE)
  if (is.null(ref$formula) || is.null(ref$dataset) || is.null(ref$REML)) next
  cat(ref$id, "\n")
  d <- read.csv(file.path("datasets", paste0(ref$dataset, ".csv")), stringsAsFactors = TRUE)
  f <- as.formula(ref$formula)
  m <- suppressWarnings(lmerTest::lmer(f, d, REML = ref$REML, start = list(theta = ref$theta),
    control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5))))
  big <- nobs(m) > 5000
  out <- list(
    id = unbox(ref$id), dataset = unbox(ref$dataset), formula = unbox(ref$formula), REML = unbox(ref$REML),
    engine = unbox(paste("broom.mixed", as.character(packageVersion("broom.mixed")), "lmerTest",
                   as.character(packageVersion("lmerTest")), "lme4", as.character(packageVersion("lme4")))),
    criterion = unbox(as.numeric(criterion(m))),
    reference_criterion = unbox(if (ref$REML) ref$REMLcrit else ref$deviance),
    tidy = columns(tidy(m, effects = c("fixed", "ran_pars"), conf.int = TRUE)),
    glance = columns(glance(m))
  )
  if (!big && ref$REML) out$tidy_kr <- columns(tidy(m, effects = "fixed", conf.int = TRUE, ddf.method = "Kenward-Roger"))
  if (!is.null(ref$ranef)) out$tidy_ran_vals <- columns(tidy(m, effects = "ran_vals", conf.int = TRUE))
  a <- augment(m, data = d)
  out$augment_rows <- unbox(nrow(a))
  out$augment <- columns(if (big) head(a, 50) else a)
  write_json(out, file.path("test/fixtures/broom", paste0(ref$id, ".json")), digits = NA, na = "null",
             null = "null", pretty = FALSE)
}

d <- read.csv("datasets/sleepstudy.csv", stringsAsFactors = TRUE)
d$w <- (d$Days + 1) / 5
d$Reaction[c(4, 51)] <- NA
m <- lmerTest::lmer(Reaction ~ Days + (Days | Subject), d, weights = w, na.action = na.exclude,
  control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5)))
a <- augment(m, data = d)
out <- list(
  id = unbox("sleepstudy-weights-exclude"), dataset = unbox("sleepstudy"), formula = unbox("Reaction ~ Days + (Days | Subject)"),
  REML = unbox(TRUE), weights = unbox("w"), missing_rows = c(4, 51),
  engine = unbox(paste("broom.mixed", as.character(packageVersion("broom.mixed")))),
  criterion = unbox(as.numeric(REMLcrit(m))),
  tidy = columns(tidy(m, effects = c("fixed", "ran_pars"), conf.int = TRUE)),
  glance = columns(glance(m)),
  augment_rows = unbox(nrow(a)), augment = columns(a),
  fitted = unname(fitted(m)), residuals = unname(residuals(m)))
dir.create("test/fixtures/broom-extra", recursive = TRUE, showWarnings = FALSE)
write_json(out, "test/fixtures/broom-extra/sleepstudy-weights-exclude.json", digits = NA, na = "null", null = "null", pretty = FALSE)
