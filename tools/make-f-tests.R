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
# Rank-deficient designs beyond one aliased term: an interaction of two factors without their main effects
# (standLRT + sex:vr: R codes both factors by all their indicators, lme4 drops sexM:vrtop 25%), an
# interaction with one of its margins (sex + sex:vr), a factor term left with one of its two columns
# (schgendmixed = 1 - typeSngl, dropped), a three-way interaction without its two-way margins (all 12
# indicators, 5 of them dropped), and factor interactions with an empty cell made by dropping rows: cake
# without recipe C at 175 degrees (recipeC:factor(temp)225 depends on the other columns and is dropped), Exam
# without boys in single-sex schools (the column sexM:typeSngl is zero; sex:type has no testable hypothesis,
# lmerTest's empty row) and Exam without boys of the bottom 25% in single-sex schools (sex * vr * type: the
# three-way term keeps one of its two columns). Such a case has `omit`: the 1-based rows of the data set's CSV
# left out. Weighted fits (lmerTest's hypotheses use the unweighted X): the weights are
# w = 1 + ((i - 1) %% 5) / 4 for the i-th row of the CSV (1, 1.25, 1.5, 1.75, 2, 1, ...), written as `weights`
# (one per CSV row), and the fit is lmer(..., weights = w). Weighted fits have Satterthwaite's tables only:
# pbkrtest's Kenward-Roger takes the residual covariance as sigma^2 I whatever the weights (its .get_SigmaG), so
# lmerTest's Kenward-Roger numbers of a weighted fit are not the model's (lmm-kit refuses that combination).
# Three-way interactions (of two factors and a numeric, of three factors) and covariates transformed in the
# formula (log(temp), I(temp^2/1000); log(Days + 1), I(Days^2)). R's coding of factors in terms: without an
# intercept only the first factor is coded by all its indicators (0 + recipe * factor(temp), here with an
# empty cell; 0 + sex + vr + standLRT; 0 + standLRT + standLRT:vr, where vr is that first factor), and a
# factor is coded by contrasts when the rest of its term is contained in an earlier term, not only when it
# is a term (standLRT + sex:type + sex:vr: vr by contrasts in sex:vr, as sex is in sex:type; the containment
# of lmerTest reads these codes; vr:type + sex:type + sex:vr:type).
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
  list(id = "sleepstudy-slope-ml", dataset = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)", REML = FALSE),
  list(id = "Exam-interaction-only", dataset = "Exam", formula = "normexam ~ standLRT + sex:vr + (1 | school)", REML = TRUE),
  list(id = "Exam-one-margin", dataset = "Exam", formula = "normexam ~ sex + sex:vr + (1 | school)", REML = TRUE),
  list(id = "Exam-partial-alias", dataset = "Exam", formula = "normexam ~ standLRT + type + schgend + (1 | school)", REML = TRUE),
  list(id = "Exam-three-way-only", dataset = "Exam", formula = "normexam ~ sex + vr + type + sex:vr:type + (1 | school)", REML = TRUE),
  list(id = "cake-empty-cell", dataset = "cake", formula = "angle ~ recipe * factor(temp) + (1 | recipe:replicate)", REML = TRUE,
       omit = quote(recipe == "C" & temp == 175)),
  list(id = "Exam-empty-cell", dataset = "Exam", formula = "normexam ~ standLRT + sex * type + (1 | school)", REML = TRUE,
       omit = quote(sex == "M" & type == "Sngl")),
  list(id = "cake-weighted", dataset = "cake", formula = "angle ~ recipe * temp + (1 | recipe:replicate)", REML = TRUE, weighted = TRUE),
  list(id = "Exam-weighted-ml", dataset = "Exam", formula = "normexam ~ standLRT * sex + schgend + (1 | school)", REML = FALSE, weighted = TRUE),
  list(id = "Exam-three-way", dataset = "Exam", formula = "normexam ~ standLRT * sex * type + (1 | school)", REML = TRUE),
  list(id = "Exam-three-way-factors", dataset = "Exam", formula = "normexam ~ sex * vr * type + (1 | school)", REML = TRUE),
  list(id = "Exam-three-way-empty-cell", dataset = "Exam", formula = "normexam ~ sex * vr * type + (1 | school)", REML = TRUE,
       omit = quote(sex == "M" & vr == "bottom 25%" & type == "Sngl")),
  list(id = "cake-transformed", dataset = "cake", formula = "angle ~ recipe * log(temp) + I(temp^2/1000) + (1 | recipe:replicate)", REML = TRUE),
  list(id = "sleepstudy-transformed", dataset = "sleepstudy", formula = "Reaction ~ log(Days + 1) + I(Days^2) + (Days | Subject)", REML = TRUE),
  list(id = "cake-no-intercept-empty-cell", dataset = "cake", formula = "angle ~ 0 + recipe * factor(temp) + (1 | recipe:replicate)", REML = TRUE,
       omit = quote(recipe == "C" & temp == 175)),
  list(id = "Exam-no-intercept-factors", dataset = "Exam", formula = "normexam ~ 0 + sex + vr + standLRT + (1 | school)", REML = TRUE),
  list(id = "Exam-no-intercept-slope", dataset = "Exam", formula = "normexam ~ 0 + standLRT + standLRT:vr + (1 | school)", REML = TRUE),
  list(id = "Exam-shared-factor", dataset = "Exam", formula = "normexam ~ standLRT + sex:type + sex:vr + (1 | school)", REML = TRUE),
  list(id = "Exam-shared-factor-three-way", dataset = "Exam", formula = "normexam ~ vr:type + sex:type + sex:vr:type + (1 | school)", REML = TRUE)
)

column <- function(a, k) {
  x <- unname(a[[k]])
  lapply(x, function(v) if (is.na(v)) NULL else v)
}

out <- lapply(cases, function(r) {
  cat(r$id, "\n")
  d <- read.csv(file.path("datasets", paste0(r$dataset, ".csv")), stringsAsFactors = TRUE)
  weighted <- isTRUE(r$weighted)
  w <- 1 + ((seq_len(nrow(d)) - 1) %% 5) / 4
  d$w <- w
  omit <- if (is.null(r$omit)) integer(0) else which(eval(r$omit, d))
  if (length(omit)) d <- droplevels(d[-omit, ])
  m <- if (weighted) lmer(as.formula(r$formula), d, REML = r$REML, weights = w) else lmer(as.formula(r$formula), d, REML = r$REML)
  methods <- if (r$REML && !weighted) c("Satterthwaite", "Kenward-Roger") else "Satterthwaite"
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
  extra <- c(if (length(omit)) list(omit = I(omit)),
             if (weighted) list(weights = w))
  c(list(
    id = r$id, dataset = r$dataset, formula = r$formula, REML = r$REML), extra, list(
    engine = paste("lme4", packageVersion("lme4"), "lmerTest", packageVersion("lmerTest"), "pbkrtest", packageVersion("pbkrtest")),
    theta = unname(getME(m, "theta")),
    sigma = sigma(m),
    fixef = as.list(fixef(m)),
    anova = tables
  ))
})
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
           file.path("test", "fixtures", "inference", "f-tests.json"))
cat("done\n")
