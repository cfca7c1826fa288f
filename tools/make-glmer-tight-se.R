# Standard errors of each glmer fixture from lme4's own Laplace/AGQ deviance function with PIRLS run to
# tolPwrss = 1e-14 (devFunOnly), at the fixture's optimum (θ, β): the Hessian by central differences with a
# step per coordinate of s·(its scale) — β's scale its standard error in the fixture, θ's max(θ, 0.05)/10 —
# and Var(β̂) = the β block of 2H⁻¹, as lme4's vcov. Taken at s = 1e-2 and s = 3e-3; a fixture whose two
# results differ by more than 1e-4 relative is left out. lme4's default vcov takes the Hessian with step 1e-4
# in every coordinate and PIRLS at glmer's default tolerance, whose noise (over h²) reaches 1 % of a probit
# model's standard errors; these are the same quantities without that noise.
# Run from the project root: Rscript tools/make-glmer-tight-se.R  (writes test/fixtures/glmer-tight-se.json)
suppressMessages({library(lme4); library(jsonlite)})
dir <- "test/fixtures/glmer"
out <- list()
for (file in sort(list.files(dir, pattern = "\\.json$"))) {
  fx <- fromJSON(file.path(dir, file))
  if (fx$nAGQ < 1) next
  d <- read.csv(file.path("datasets", paste0(fx$dataset, ".csv")), stringsAsFactors = TRUE)
  fam <- get(fx$family)(link = fx$link)
  args <- list(formula = as.formula(fx$formula), data = d, family = fam, nAGQ = fx$nAGQ,
               devFunOnly = TRUE, control = glmerControl(tolPwrss = 1e-14))
  if (!is.null(fx$weights)) args$weights <- d[[fx$weights]]
  if (!is.null(fx$offset) && grepl("^log\\(", fx$offset)) args$offset <- eval(parse(text = fx$offset), d)
  dd <- do.call(glmer, args)
  x <- c(unlist(fx$theta), unlist(fx$beta))
  nt <- length(unlist(fx$theta))
  scale <- c(pmax(unlist(fx$theta), 0.05) / 10, unlist(fx$se))
  n <- length(x); f0 <- dd(x)
  e <- function(i, s) replace(numeric(n), i, s)
  se <- function(s) {
    h <- s * scale; H <- matrix(0, n, n)
    for (i in 1:n) for (j in 1:i) {
      if (i == j) H[i, i] <- (dd(x + e(i, h[i])) - 2 * f0 + dd(x - e(i, h[i]))) / h[i]^2
      else H[i, j] <- H[j, i] <- (dd(x + e(i, h[i]) + e(j, h[j])) - dd(x + e(i, h[i]) - e(j, h[j])) - dd(x - e(i, h[i]) + e(j, h[j])) + dd(x - e(i, h[i]) - e(j, h[j]))) / (4 * h[i] * h[j])
    }
    unname(sqrt(diag(2 * solve(H)))[-(1:nt)])
  }
  a <- se(1e-2); b <- se(3e-3)
  if (any(!is.finite(a)) || max(abs(a / b - 1)) > 1e-4) { cat(fx$id, "left out:", signif(a, 6), "/", signif(b, 6), "\n"); next }
  out[[fx$id]] <- a
  cat(fx$id, signif(out[[fx$id]], 6), "\n")
}
writeLines(toJSON(out, digits = NA, auto_unbox = FALSE, pretty = TRUE), "test/fixtures/glmer-tight-se.json")
