# Kenward-Roger t-tests of the fixed effects from lmerTest (summary(m, ddf = "Kenward-Roger"), which calls
# pbkrtest's vcovAdj and Lb_ddf) for the REML cases of test/fixtures/reference with a `satterthwaite` field;
# written to test/fixtures/inference/kenward-roger.json.
#
# For each case: at lme4's fit, the coefficient table (estimate, adjusted standard error, df, t, p), the
# adjusted and unadjusted covariance of β̂, and one contrast L = (1, 2, …, p) through lmerTest's contest1D;
# and, as for Satterthwaite, the same table at the exact optimum θ* of
# test/fixtures/inference/satterthwaite-optimum.json (the model rebuilt there without optimizing), since
# lme4's θ̂ can stop short of it (Penicillin-crossed: 1e-4).
#
# Run from the project folder: Rscript tools/make-kenward-roger.R
# Needs Debian's r-cran-lme4, r-cran-lmertest, r-cran-pbkrtest and r-cran-jsonlite.
suppressMessages({library(lme4); library(lmerTest); library(pbkrtest); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

folder <- file.path("test", "fixtures", "reference")
refs <- lapply(sort(list.files(folder, pattern = "[.]json$", full.names = TRUE)), fromJSON)
refs <- Filter(function(r) !is.null(r$satterthwaite) && isTRUE(r$REML), refs)
optima <- fromJSON(file.path("test", "fixtures", "inference", "satterthwaite-optimum.json"), simplifyVector = FALSE)
names(optima) <- vapply(optima, function(o) o$id, "")

columns <- function(s) {
  names <- rownames(s)
  col <- function(k) setNames(as.list(unname(s[, k])), names)
  list(estimate = col("Estimate"), se = col("Std. Error"), df = col("df"), t = col("t value"), p = col("Pr(>|t|)"))
}

out <- lapply(refs, function(r) {
  cat(r$id, "\n")
  d <- read.csv(file.path("datasets", paste0(r$dataset, ".csv")), stringsAsFactors = TRUE)
  f <- as.formula(r$formula)
  m <- lmer(f, d, REML = TRUE)
  secs <- system.time(s <- coef(summary(m, ddf = "Kenward-Roger")))[["elapsed"]]
  L <- seq_along(fixef(m))
  contrast <- contest1D(m, L, ddf = "Kenward-Roger")
  star <- unlist(optima[[r$id]]$theta)
  at <- lmer(f, d, REML = TRUE, start = star, control = lmerControl(optimizer = NULL))
  list(
    id = r$id, dataset = r$dataset, formula = r$formula, REML = TRUE,
    engine = paste("lme4", packageVersion("lme4"), "lmerTest", packageVersion("lmerTest"), "pbkrtest", packageVersion("pbkrtest")),
    seconds = secs,
    theta = unname(getME(m, "theta")),
    kenward_roger = columns(s),
    vcov = unname(as.matrix(vcov(m))),
    vcov_adjusted = unname(as.matrix(vcovAdj(m))),
    contrast = list(L = L, estimate = contrast$Estimate, se = contrast[["Std. Error"]], df = contrast$df,
                    t = contrast[["t value"]], p = contrast[["Pr(>|t|)"]]),
    optimum = list(theta = star, kenward_roger = columns(coef(summary(at, ddf = "Kenward-Roger"))))
  )
})
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path("test", "fixtures", "inference", "kenward-roger.json"))
cat("done\n")
