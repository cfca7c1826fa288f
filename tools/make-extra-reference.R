# lme4 fits of models beyond ../shared/reference, on the project's datasets/, for test/fixtures/extra/.
# Run from the project folder: Rscript tools/make-extra-reference.R
# Needs Debian's r-cran-lme4 and r-cran-jsonlite. Fields as in the shared reference files.
suppressMessages({library(lme4); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

cases <- list(
  list(id = "sleepstudy-quadratic-log-ml", data = "sleepstudy", formula = "log(Reaction) ~ Days + I(Days^2) + (Days || Subject)", REML = FALSE),
  list(id = "sleepstudy-factor-days", data = "sleepstudy", formula = "Reaction ~ factor(Days) + (1 | Subject)"),
  list(id = "sleepstudy-slope-only", data = "sleepstudy", formula = "Reaction ~ Days + (0 + Days | Subject)"),
  list(id = "Exam-interaction-slope", data = "Exam", formula = "normexam ~ standLRT * sex + vr + (1 + standLRT | school)"),
  list(id = "Exam-factor-random", data = "Exam", formula = "normexam ~ standLRT + schgend + (0 + sex | school)"),
  list(id = "Exam-three-level", data = "Exam", formula = "normexam ~ standLRT + (1 | schgend/school)"),
  list(id = "Exam-crossed-vr", data = "Exam", formula = "normexam ~ standLRT + (standLRT | school) + (1 | intake)", REML = FALSE),
  list(id = "cake-crossed-nested-ml", data = "cake", formula = "angle ~ recipe + temp + (1 | replicate) + (1 | recipe:replicate)", REML = FALSE),
  list(id = "Produc-crossed-state-year", data = "Produc", formula = "log(gsp) ~ log(pcap) + unemp + (1 | state) + (1 | year)"),
  list(id = "Grunfeld-uncorrelated-slope", data = "Grunfeld", formula = "inv ~ value + capital + (value || firm)"),
  list(id = "Penicillin-ml", data = "Penicillin", formula = "diameter ~ 1 + (1 | plate) + (1 | sample)", REML = FALSE),
  list(id = "Pastes-crossed-written", data = "Pastes", formula = "strength ~ 1 + (1 | batch) + (1 | sample)"),
  list(id = "voteincome-offset", data = "voteincome", formula = "income ~ education + offset(age / 10) + (1 | state)")
)

named <- function(v) as.list(setNames(as.numeric(v), names(v)))
for (cs in cases) {
  cat(cs$id, "\n")
  d <- read.csv(file.path("datasets", paste0(cs$data, ".csv")), stringsAsFactors = TRUE)
  reml <- if (is.null(cs$REML)) TRUE else cs$REML
  f <- as.formula(cs$formula)
  secs <- system.time(m <- lmer(f, d, REML = reml))[["elapsed"]]
  vc <- as.data.frame(VarCorr(m))
  re <- as.data.frame(ranef(m, condVar = TRUE))
  out <- list(
    id = cs$id, dataset = cs$data, formula = cs$formula, REML = reml,
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
    lme4_seconds = secs, lme4_evaluations = m@optinfo$feval,
    ranef = list(grpvar = as.character(re$grpvar), term = as.character(re$term), grp = as.character(re$grp),
                 condval = re$condval, condsd = re$condsd)
  )
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path("test/fixtures/extra", paste0(cs$id, ".json")))
}
cat("done\n")
