# lmerTest's ANOVA tables of the fixed-effect terms, anova(m) for a single model (lmerTest 3.1: F tests with
# Satterthwaite's or Kenward-Roger's denominator df, hypotheses of type I, II and III); written to
# test/fixtures/inference/f-tests.json.
#
# For each case (models with multi-df factor terms, factor-by-factor and numeric-by-factor interactions, a
# random slope, a numeric nested in a factor (recipe / temp: recipe is coded by indicators in recipe:temp, so
# R's terms give the term only temp and recipe is contained in nothing), a model without intercept; printouts without significance stars and with one-character stars;
# a term whose only column is aliased (type, by schgend: lmerTest's empty row); REML fits and ML fits, the latter with Satterthwaite only since
# lmerTest refuses Kenward-Roger there): lme4's θ̂ and σ̂, and for every type and ddf method the table by term
# (Sum Sq, Mean Sq, NumDF, DenDF, F value, Pr(>F); NA as null), the hypothesis matrices lmerTest tested
# (attr(., "hypotheses"), one matrix per term, rows as arrays) and the table as R prints it. Vectors that
# may have one element are written as arrays (I()); θ is a number when it has one element, as in the other
# fixtures.
#
# Run from the project folder: Rscript tools/make-f-tests.R
# Needs Debian's r-cran-lme4, r-cran-lmertest, r-cran-pbkrtest and r-cran-jsonlite.
suppressMessages({library(lme4); library(lmerTest); library(pbkrtest); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(width = 80)

cases <- list(
  list(id = "cake-factor", dataset = "cake", formula = "angle ~ recipe * factor(temp) + (1 | recipe:replicate)", REML = TRUE),
  list(id = "cake-interaction", dataset = "cake", formula = "angle ~ recipe * temp + (1 | recipe:replicate)", REML = TRUE),
  list(id = "cake-interaction-ml", dataset = "cake", formula = "angle ~ recipe * temp + (1 | recipe:replicate)", REML = FALSE),
  list(id = "cake-nested", dataset = "cake", formula = "angle ~ recipe / temp + (1 | recipe:replicate)", REML = TRUE),
  list(id = "cake-no-intercept", dataset = "cake", formula = "angle ~ 0 + recipe + temp + (1 | recipe:replicate)", REML = TRUE),
  list(id = "Exam-factors", dataset = "Exam", formula = "normexam ~ standLRT + sex + schgend + (1 | school)", REML = TRUE),
  list(id = "Exam-interactions", dataset = "Exam", formula = "normexam ~ standLRT * sex + sex * vr + (standLRT | school)", REML = TRUE),
  list(id = "Exam-schgend", dataset = "Exam", formula = "normexam ~ schgend + (1 | school)", REML = TRUE),
  list(id = "Exam-type", dataset = "Exam", formula = "normexam ~ type + (1 | school)", REML = TRUE),
  list(id = "Exam-aliased", dataset = "Exam", formula = "normexam ~ schgend + type + (1 | school)", REML = TRUE),
  list(id = "sleepstudy-slope", dataset = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)", REML = TRUE),
  list(id = "sleepstudy-slope-ml", dataset = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)", REML = FALSE)
)

column <- function(a, k) {
  x <- unname(a[[k]])
  lapply(x, function(v) if (is.na(v)) NULL else v)
}

out <- lapply(cases, function(r) {
  cat(r$id, "\n")
  d <- read.csv(file.path("datasets", paste0(r$dataset, ".csv")), stringsAsFactors = TRUE)
  m <- lmer(as.formula(r$formula), d, REML = r$REML)
  methods <- if (r$REML) c("Satterthwaite", "Kenward-Roger") else "Satterthwaite"
  tables <- list()
  for (ddf in methods) for (type in 3:1) {
    secs <- system.time(a <- anova(m, type = type, ddf = ddf))[["elapsed"]]
    hyp <- attr(a, "hypotheses")
    tables[[length(tables) + 1]] <- list(
      type = type, ddf = ddf, seconds = secs,
      terms = I(rownames(a)),
      sumSq = column(a, "Sum Sq"), meanSq = column(a, "Mean Sq"), numDF = column(a, "NumDF"),
      denDF = column(a, "DenDF"), F = column(a, "F value"), p = column(a, "Pr(>F)"),
      hypotheses = lapply(hyp, function(L) lapply(seq_len(nrow(L)), function(i) I(unname(L[i, ])))),
      hypothesis_columns = I(colnames(hyp[[1]])),
      printed = I(capture.output(print(a)))
    )
  }
  list(
    id = r$id, dataset = r$dataset, formula = r$formula, REML = r$REML,
    engine = paste("lme4", packageVersion("lme4"), "lmerTest", packageVersion("lmerTest"), "pbkrtest", packageVersion("pbkrtest")),
    theta = unname(getME(m, "theta")),
    sigma = sigma(m),
    fixef = as.list(fixef(m)),
    anova = tables
  )
})
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
           file.path("test", "fixtures", "inference", "f-tests.json"))
cat("done\n")
