# A corpus of lme4 fits at the optimum (issue 10): real data sets from R packages that Debian ships,
# one CSV per data set in test/fixtures/corpus/data/ and one JSON per model in
# test/fixtures/corpus/cases/. Run from the project folder:
#   Rscript tools/make-corpus.R            # every case
#   Rscript tools/make-corpus.R ID ID ...  # only these cases (their data sets are rewritten too)
#   Rscript tools/make-corpus.R --except ID ID ...  # every case but these
#   --thorough: the search of small cases for large ones too (the large cases were written with it)
# Needs Debian's r-cran-lme4 r-cran-mlmrev r-cran-nlme r-cran-mass r-cran-hsaur3 r-cran-plm r-cran-aer
# r-cran-glmmtmb r-cran-cardata r-cran-geepack r-cran-dslabs r-cran-ggplot2 r-cran-jsonlite
# (lme4 pulls in minqa and nloptr).
#
# For every case: the data set's CSV is read back with read.csv(stringsAsFactors = TRUE), so lme4 fits
# exactly what our CSV reader sees; lme4's default fit (lmer(f, d, REML =)) is recorded as lme4_default
# (its criterion, theta, number of evaluations, singularity, warnings); then lme4's profiled criterion
# (lmer(..., devFunOnly = TRUE), the function lme4's optimizer minimizes: the REML criterion for REML
# fits, the deviance for ML fits) is minimized again, from lme4's theta and from interior points for
# every bounded theta component lme4 left below 1e-4 (all such components set to 0.05, 0.2 and 1, and
# each one alone set to 0.2; each of these also with the rest of those components' template columns
# negated, since a zero diagonal leaves their sign free), by NLopt's BOBYQA, minqa's BOBYQA and lme4's Nelder-Mead at tight
# tolerances; the best point is polished once more by the three and bounded components within 1e-7 of 0
# are tried at exactly 0. The lowest criterion found is "the optimum": the model is evaluated there
# (lmerControl(optimizer = NULL)) and its fixef, se, sigma, ... are written. stopped_short_by is lme4's
# default criterion minus the optimum's. Cases on more than 50 000 rows are searched from lme4's theta
# only (NLopt BOBYQA and minqa BOBYQA), cases on 20 000 to 50 000 rows without Nelder-Mead and from one
# interior point (0.2), and cases on more than 20 000 rows are marked "large".
#
# CSV rules: only the columns the data set's models use; rows with a missing value in any of them are
# dropped; factors are written as their labels, numbers as numbers (write.csv: 15 significant digits);
# rows are sorted by all columns, left to right (C collation), so the file does not depend on the
# package's row order. No logical columns: a column that read.csv would read as TRUE/FALSE is refused.
suppressMessages({
  library(lme4); library(jsonlite); library(minqa); library(nloptr)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(warn = 1)

out_dir <- "test/fixtures/corpus"
data_dir <- file.path(out_dir, "data")
case_dir <- file.path(out_dir, "cases")
for (d in c(data_dir, case_dir)) dir.create(d, recursive = TRUE, showWarnings = FALSE)

pkg_data <- function(name, pkg) {
  e <- new.env()
  data(list = name, package = pkg, envir = e)
  as.data.frame(get(name, envir = e))
}

# ---- data sets: name -> function returning the data frame to write (the columns its models use) ----
wide_to_long <- function(df, id, cols, times, value, time_name) {
  out <- do.call(rbind, lapply(seq_along(cols), function(k) {
    r <- df[, setdiff(names(df), cols), drop = FALSE]
    r[[time_name]] <- times[k]
    r[[value]] <- df[[cols[k]]]
    r
  }))
  out
}

datasets <- list(
  # lme4
  sleepstudy = function() {
    d <- lme4::sleepstudy
    # g2: a two-level factor made from Subject: Subject's position among its sorted levels (308 = 1,
    # 309 = 2, ..., 372 = 18), "odd" when that index is odd, "even" when even
    idx <- as.integer(factor(d$Subject, levels = sort(unique(as.integer(as.character(d$Subject))))))
    d$g2 <- ifelse(idx %% 2 == 1, "odd", "even")
    # w: deterministic prior weights 1, 1.5, 2 by Days mod 3
    d$w <- 1 + (d$Days %% 3) / 2
    d
  },
  Dyestuff = function() lme4::Dyestuff,
  Dyestuff2 = function() lme4::Dyestuff2,
  Penicillin = function() lme4::Penicillin,
  Pastes = function() lme4::Pastes,
  cake = function() lme4::cake[, c("replicate", "recipe", "temperature", "temp", "angle")],
  cbpp = function() lme4::cbpp,
  InstEval = function() lme4::InstEval[, c("s", "d", "studage", "lectage", "service", "dept", "y")],
  VerbAgg = function() {
    d <- lme4::VerbAgg
    d$yes <- as.numeric(d$r2 == "Y")
    d[, c("id", "item", "Gender", "Anger", "btype", "situ", "mode", "yes")]
  },
  grouseticks = function() lme4::grouseticks[, c("TICKS", "BROOD", "LOCATION", "YEAR", "cHEIGHT")],
  Arabidopsis = function() lme4::Arabidopsis[, c("reg", "popu", "gen", "rack", "nutrient", "amd", "status", "total.fruits")],
  # mlmRev
  Hsb82 = function() pkg_data("Hsb82", "mlmRev")[, c("school", "minrty", "sx", "ses", "mAch", "meanses", "sector", "cses")],
  ScotsSec = function() pkg_data("ScotsSec", "mlmRev"),
  Chem97 = function() pkg_data("Chem97", "mlmRev")[, c("lea", "school", "score", "gender", "age", "gcsecnt")],
  Oxboys = function() pkg_data("Oxboys", "mlmRev"),
  egsingle = function() pkg_data("egsingle", "mlmRev")[, c("schoolid", "childid", "year", "math", "female", "black", "hispanic", "size", "lowinc")],
  Mmmec = function() pkg_data("Mmmec", "mlmRev"),
  bdf = function() pkg_data("bdf", "mlmRev")[, c("schoolNR", "IQ.verb", "IQ.perf", "sex", "Minority", "ses", "langPOST", "aritPOST", "schoolSES", "denomina")],
  star = function() pkg_data("star", "mlmRev")[, c("id", "sch", "tch", "gr", "cltype", "sx", "eth", "math", "read", "exp")],
  Gcsemv = function() pkg_data("Gcsemv", "mlmRev")[, c("school", "student", "gender", "course")],
  Early = function() pkg_data("Early", "mlmRev"),
  Socatt = function() {
    d <- pkg_data("Socatt", "mlmRev")
    d$numpos <- as.numeric(as.character(d$numpos))
    d[, c("district", "respond", "year", "numpos", "party", "class", "gender", "age")]
  },
  # nlme
  Orthodont = function() pkg_data("Orthodont", "nlme"),
  Oats = function() pkg_data("Oats", "nlme"),
  Machines = function() pkg_data("Machines", "nlme"),
  ergoStool = function() pkg_data("ergoStool", "nlme"),
  Pixel = function() pkg_data("Pixel", "nlme"),
  BodyWeight = function() pkg_data("BodyWeight", "nlme"),
  Ovary = function() {
    d <- pkg_data("Ovary", "nlme")
    # the periodic covariates of nlme's Ovary examples, computed here: s1 = sin(2 pi Time), c1 = cos(2 pi Time)
    d$s1 <- sin(2 * pi * d$Time)
    d$c1 <- cos(2 * pi * d$Time)
    d[, c("Mare", "Time", "s1", "c1", "follicles")]
  },
  Wafer = function() pkg_data("Wafer", "nlme"),
  Alfalfa = function() pkg_data("Alfalfa", "nlme"),
  Assay = function() pkg_data("Assay", "nlme"),
  Dialyzer = function() pkg_data("Dialyzer", "nlme")[, c("Subject", "QB", "pressure", "rate")],
  Gasoline = function() pkg_data("Gasoline", "nlme"),
  Gun = function() pkg_data("Gun", "nlme"),
  PBG = function() pkg_data("PBG", "nlme"),
  Spruce = function() pkg_data("Spruce", "nlme"),
  MathAchieve = function() pkg_data("MathAchieve", "nlme"),
  Milk = function() pkg_data("Milk", "nlme"),
  Oxide = function() pkg_data("Oxide", "nlme"),
  Fatigue = function() pkg_data("Fatigue", "nlme"),
  IGF = function() pkg_data("IGF", "nlme"),
  Earthquake = function() pkg_data("Earthquake", "nlme"),
  Glucose2 = function() pkg_data("Glucose2", "nlme"),
  Soybean = function() pkg_data("Soybean", "nlme"),
  Wheat2 = function() pkg_data("Wheat2", "nlme"),
  Muscle = function() pkg_data("Muscle", "nlme"),
  Tetracycline1 = function() pkg_data("Tetracycline1", "nlme"),
  Cefamandole = function() pkg_data("Cefamandole", "nlme"),
  Nitrendipene = function() pkg_data("Nitrendipene", "nlme")[, c("activity", "log.NIF", "Tissue")],
  # MASS
  oats = function() pkg_data("oats", "MASS"),
  petrol = function() pkg_data("petrol", "MASS"),
  Sitka = function() pkg_data("Sitka", "MASS"),
  Sitka89 = function() pkg_data("Sitka89", "MASS"),
  OME = function() pkg_data("OME", "MASS")[, c("ID", "Age", "OME", "Loud", "Noise", "Correct", "Trials")],
  epil = function() pkg_data("epil", "MASS")[, c("y", "trt", "lbase", "lage", "V4", "subject", "period")],
  genotype = function() pkg_data("genotype", "MASS"),
  minn38 = function() pkg_data("minn38", "MASS"),
  immer = function() pkg_data("immer", "MASS"),
  # datasets
  ChickWeight = function() as.data.frame(lapply(datasets::ChickWeight, function(v) if (is.factor(v)) factor(as.character(v)) else as.vector(v))),
  CO2 = function() { d <- as.data.frame(datasets::CO2); d$Plant <- as.character(d$Plant); d },
  Orange = function() { d <- as.data.frame(datasets::Orange); d$Tree <- paste0("T", as.character(d$Tree)); d },
  Loblolly = function() { d <- as.data.frame(datasets::Loblolly); d$Seed <- as.character(d$Seed); d },
  Indometh = function() { d <- as.data.frame(datasets::Indometh); d$Subject <- as.character(d$Subject); d },
  warpbreaks = function() datasets::warpbreaks,
  InsectSprays = function() datasets::InsectSprays,
  # HSAUR3
  BtheB = function() {
    d <- pkg_data("BtheB", "HSAUR3")
    d$subject <- sprintf("s%03d", seq_len(nrow(d)))
    wide_to_long(d, "subject", c("bdi.2m", "bdi.3m", "bdi.5m", "bdi.8m"), c(2, 3, 5, 8), "bdi", "time")
  },
  epilepsy = function() pkg_data("epilepsy", "HSAUR3"),
  phosphate = function() {
    d <- pkg_data("phosphate", "HSAUR3")
    d$id <- sprintf("p%02d", seq_len(nrow(d)))
    cols <- c("t0.5", "t1", "t1.5", "t2", "t3", "t4", "t5")
    wide_to_long(d, "id", cols, c(0.5, 1, 1.5, 2, 3, 4, 5), "plasma", "time")
  },
  # plm
  Grunfeld = function() pkg_data("Grunfeld", "plm"),
  Produc = function() pkg_data("Produc", "plm")[, c("state", "year", "region", "pcap", "pc", "gsp", "emp", "unemp")],
  EmplUK = function() pkg_data("EmplUK", "plm"),
  Cigar = function() pkg_data("Cigar", "plm")[, c("state", "year", "price", "cpi", "ndi", "sales", "pimin")],
  Hedonic = function() pkg_data("Hedonic", "plm")[, c("mv", "crim", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "lstat", "chas", "townid")],
  GasolinePlm = function() pkg_data("Gasoline", "plm"),
  Males = function() pkg_data("Males", "plm")[, c("nr", "year", "school", "exper", "union", "married", "wage", "industry")],
  Crime = function() pkg_data("Crime", "plm")[, c("county", "year", "region", "lcrmrte", "lprbarr", "lprbconv", "lprbpris", "lpolpc", "ldensity")],
  Snmesp = function() pkg_data("Snmesp", "plm"),
  RiceFarms = function() pkg_data("RiceFarms", "plm")[, c("id", "region", "size", "totlabor", "seed", "urea", "varieties", "goutput")],
  LaborSupply = function() pkg_data("LaborSupply", "plm"),
  # AER
  Fatalities = function() {
    d <- pkg_data("Fatalities", "AER")
    d$frate <- d$fatal / d$pop * 10000
    d$popm <- d$pop / 1e6
    d[, c("state", "year", "frate", "popm", "beertax", "unemp", "income", "drinkage", "jail")]
  },
  CPS1988 = function() pkg_data("CPS1988", "AER"),
  PSID7682 = function() pkg_data("PSID7682", "AER")[, c("id", "year", "wage", "experience", "weeks", "education", "gender", "union", "south")],
  CPSSW8 = function() pkg_data("CPSSW8", "AER"),
  Guns = function() pkg_data("Guns", "AER")[, c("state", "year", "violent", "law", "prisoners", "income", "density")],
  USSeatBelts = function() pkg_data("USSeatBelts", "AER")[, c("state", "year", "fatalities", "seatbelt", "speed65", "alcohol", "income", "age")],
  CASchools = function() pkg_data("CASchools", "AER")[, c("county", "students", "teachers", "lunch", "income", "english", "read", "math")],
  TeachingRatings = function() pkg_data("TeachingRatings", "AER")[, c("prof", "eval", "beauty", "gender", "minority", "native", "tenure", "students", "division")],
  Journals = function() pkg_data("Journals", "AER")[, c("field", "subs", "price", "citations", "society")],
  ResumeNames = function() {
    d <- pkg_data("ResumeNames", "AER")
    d$called <- as.numeric(d$call == "yes")
    d[, c("name", "industry", "gender", "ethnicity", "quality", "experience", "city", "called")]
  },
  NMES1988 = function() pkg_data("NMES1988", "AER")[, c("visits", "health", "chronic", "age", "gender", "region", "insurance", "school")],
  # glmmTMB
  Salamanders = function() pkg_data("Salamanders", "glmmTMB")[, c("site", "mined", "cover", "DOY", "spp", "count")],
  Owls = function() pkg_data("Owls", "glmmTMB")[, c("Nest", "FoodTreatment", "SexParent", "ArrivalTime", "SiblingNegotiation", "BroodSize")],
  # carData, geepack, dslabs, ggplot2
  Blackmore = function() pkg_data("Blackmore", "carData"),
  Vocab = function() pkg_data("Vocab", "carData"),
  Wong = function() pkg_data("Wong", "carData")[, c("id", "days", "sex", "age", "piq", "viq")],
  SLID = function() pkg_data("SLID", "carData"),
  dietox = function() pkg_data("dietox", "geepack"),
  movielens = function() pkg_data("movielens", "dslabs")[, c("userId", "movieId", "rating")],
  diamonds = function() as.data.frame(lapply(pkg_data("diamonds", "ggplot2")[, c("price", "carat", "cut", "color", "clarity")],
                                              function(v) if (is.factor(v)) factor(as.character(v)) else as.vector(v)))
)

C <- function(id, data, formula, REML = TRUE, weights = NULL, note = NULL)
  list(id = id, data = data, formula = formula, REML = REML, weights = weights, note = note)

cases <- list(
  # ---- lme4's data ----
  C("sleepstudy-g2", "sleepstudy", "Reaction ~ Days + (Days | g2)", note = "hard shape: a 2 x 2 correlated term on a two-level factor"),
  C("sleepstudy-g2-ml", "sleepstudy", "Reaction ~ Days + (Days | g2)", REML = FALSE),
  C("sleepstudy-g2-intercept", "sleepstudy", "Reaction ~ Days + (1 | g2)"),
  C("sleepstudy-slope-g2-crossed", "sleepstudy", "Reaction ~ Days + (Days | Subject) + (1 | g2)"),
  C("sleepstudy-log-uncorrelated", "sleepstudy", "log(Reaction) ~ Days + (Days || Subject)"),
  C("sleepstudy-weighted", "sleepstudy", "Reaction ~ Days + (Days | Subject)", weights = "w"),
  C("sleepstudy-weighted-ml", "sleepstudy", "Reaction ~ Days + (1 | Subject)", REML = FALSE, weights = "w"),
  C("sleepstudy-quadratic-3x3", "sleepstudy", "Reaction ~ Days + I(Days^2) + (Days + I(Days^2) | Subject)"),
  C("Dyestuff", "Dyestuff", "Yield ~ 1 + (1 | Batch)"),
  C("Dyestuff2-ml", "Dyestuff2", "Yield ~ 1 + (1 | Batch)", REML = FALSE),
  C("Penicillin-log", "Penicillin", "log(diameter) ~ 1 + (1 | plate) + (1 | sample)"),
  C("Pastes-nested-ml", "Pastes", "strength ~ 1 + (1 | batch/cask)", REML = FALSE),
  C("Pastes-batch-sample", "Pastes", "strength ~ 1 + (1 | batch) + (1 | batch:cask)"),
  C("cake-factor-temperature", "cake", "angle ~ recipe * factor(temperature) + (1 | recipe:replicate)"),
  C("cake-crossed-replicate", "cake", "angle ~ recipe + temp + (1 | replicate) + (1 | recipe:replicate)"),
  C("cake-slope", "cake", "angle ~ recipe + temp + (temp | replicate)"),
  C("cbpp-proportion-weighted", "cbpp", "I(incidence/size) ~ factor(period) + (1 | herd)", weights = "size"),
  C("cbpp-proportion", "cbpp", "I(incidence/size) ~ factor(period) + (1 | herd)", REML = FALSE),
  C("InstEval-crossed", "InstEval", "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)"),
  C("InstEval-studage-ml", "InstEval", "y ~ factor(studage) + factor(lectage) + service + (1 | s) + (1 | d)", REML = FALSE),
  C("InstEval-dept-factor-slope", "InstEval", "y ~ factor(service) + (0 + factor(service) | dept) + (1 | d)"),
  C("VerbAgg-crossed", "VerbAgg", "yes ~ Anger + Gender + btype + situ + mode + (1 | id) + (1 | item)", note = "hard shape: crossed, item has 24 levels"),
  C("VerbAgg-item-slope", "VerbAgg", "yes ~ Anger + Gender + btype + situ + (1 | id) + (1 + Gender | item)", REML = FALSE),
  C("grouseticks-nested", "grouseticks", "log(TICKS + 1) ~ factor(YEAR) + cHEIGHT + (1 | LOCATION/BROOD)"),
  C("grouseticks-crossed", "grouseticks", "log(TICKS + 1) ~ factor(YEAR) + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", REML = FALSE),
  C("Arabidopsis-three", "Arabidopsis", "log(total.fruits + 1) ~ nutrient * amd + rack + status + (1 | reg) + (1 | popu) + (1 | gen)"),
  C("Arabidopsis-factor-slope", "Arabidopsis", "log(total.fruits + 1) ~ nutrient + amd + rack + status + (amd | popu) + (1 | gen)"),
  # ---- mlmRev ----
  C("Hsb82-slope", "Hsb82", "mAch ~ meanses * cses + sector * cses + (cses | school)"),
  C("Hsb82-uncorrelated-ml", "Hsb82", "mAch ~ meanses * cses + sector * cses + (cses || school)", REML = FALSE),
  C("Hsb82-factor-slope", "Hsb82", "mAch ~ ses + sector + minrty + (minrty | school)"),
  C("ScotsSec-crossed", "ScotsSec", "attain ~ verbal * sex + social + (1 | primary) + (1 | second)", note = "hard shape: partially crossed, second has 19 levels and a small variance"),
  C("ScotsSec-crossed-ml", "ScotsSec", "attain ~ verbal + sex + social + (1 | primary) + (1 | second)", REML = FALSE),
  C("ScotsSec-slope-crossed", "ScotsSec", "attain ~ verbal + sex + (verbal | second) + (1 | primary)"),
  C("Chem97-nested", "Chem97", "score ~ gcsecnt + gender + age + (1 | lea/school)"),
  C("Chem97-slope", "Chem97", "score ~ gcsecnt + gender + (gcsecnt | school)", REML = FALSE),
  C("Oxboys-3x3-crossed", "Oxboys", "height ~ age + I(age^2) + (age + I(age^2) | Subject) + (1 | Occasion)", note = "hard shape: 3 x 3 correlated term plus a crossed scalar intercept"),
  C("Oxboys-3x3", "Oxboys", "height ~ age + I(age^2) + (age + I(age^2) | Subject)"),
  C("Oxboys-3x3-crossed-ml", "Oxboys", "height ~ age + I(age^2) + (age + I(age^2) | Subject) + (1 | Occasion)", REML = FALSE),
  C("Oxboys-slope", "Oxboys", "height ~ age + (age | Subject)"),
  C("egsingle-two-slopes", "egsingle", "math ~ year * size + female + black + hispanic + lowinc + (year | childid) + (year | schoolid)"),
  C("egsingle-nested", "egsingle", "math ~ year + lowinc + (1 | schoolid/childid)", REML = FALSE),
  C("Mmmec-offset", "Mmmec", "log(deaths + 1) ~ uvb + offset(log(expected)) + (1 | nation/region)"),
  C("Mmmec-offset-ml", "Mmmec", "log(deaths + 1) ~ uvb + offset(log(expected)) + (1 | region) + (1 | nation)", REML = FALSE),
  C("bdf-slope", "bdf", "langPOST ~ IQ.verb + ses + sex + Minority + (IQ.verb | schoolNR)"),
  C("bdf-arith", "bdf", "aritPOST ~ IQ.verb + IQ.perf + ses + schoolSES + factor(denomina) + (IQ.perf | schoolNR)", REML = FALSE),
  C("star-crossed", "star", "math ~ gr + cltype + sx + eth + (1 | id) + (1 | tch) + (1 | sch)"),
  C("star-read-ml", "star", "read ~ gr + cltype + exp + (1 | id) + (1 | sch)", REML = FALSE),
  C("Gcsemv-factor-slope", "Gcsemv", "course ~ gender + (gender | school)"),
  C("Gcsemv-nested", "Gcsemv", "course ~ gender + (1 | school)", REML = FALSE),
  C("Early-slope", "Early", "cog ~ age * trt + (age | id)"),
  C("Early-uncorrelated", "Early", "cog ~ age * trt + (age || id)", REML = FALSE),
  C("Socatt-nested", "Socatt", "numpos ~ factor(year) + factor(party) + factor(class) + factor(gender) + age + (1 | district/respond)"),
  # ---- nlme ----
  C("Orthodont-slope", "Orthodont", "distance ~ age * Sex + (age | Subject)"),
  C("Orthodont-slope-ml", "Orthodont", "distance ~ age * Sex + (age | Subject)", REML = FALSE),
  C("Orthodont-uncorrelated", "Orthodont", "distance ~ age + Sex + (age || Subject)"),
  C("Oats-split-plot", "Oats", "yield ~ nitro + Variety + (1 | Block/Variety)"),
  C("Oats-quadratic-ml", "Oats", "yield ~ nitro + I(nitro^2) + (1 | Block) + (1 | Block:Variety)", REML = FALSE),
  C("Machines-interaction", "Machines", "score ~ Machine + (1 | Worker) + (1 | Worker:Machine)"),
  C("Machines-factor-correlated", "Machines", "score ~ Machine + (Machine | Worker)"),
  C("Machines-factor-nointercept", "Machines", "score ~ Machine + (0 + Machine | Worker)", REML = FALSE),
  C("ergoStool", "ergoStool", "effort ~ Type + (1 | Subject)"),
  C("Pixel-nested-slope", "Pixel", "pixel ~ day + I(day^2) + (day | Dog) + (1 | Dog:Side)"),
  C("Pixel-nested-slope-ml", "Pixel", "pixel ~ day + I(day^2) + Side + (day | Dog) + (1 | Dog:Side)", REML = FALSE),
  C("BodyWeight-slope", "BodyWeight", "weight ~ Time * factor(Diet) + (Time | Rat)"),
  C("BodyWeight-log", "BodyWeight", "log(weight) ~ Time * factor(Diet) + (Time || Rat)"),
  C("Ovary-periodic", "Ovary", "follicles ~ s1 + c1 + (1 | Mare)"),
  C("Ovary-periodic-slope", "Ovary", "follicles ~ s1 + c1 + (s1 | Mare)", REML = FALSE),
  C("Wafer-slope-nested", "Wafer", "current ~ voltage + I(voltage^2) + (voltage | Wafer) + (1 | Wafer:Site)"),
  C("Alfalfa-split-plot", "Alfalfa", "Yield ~ Date + Variety + (1 | Block/Variety)"),
  C("Assay-crossed", "Assay", "logDens ~ sample * factor(dilut) + (1 | Block) + (1 | Block:sample) + (1 | Block:dilut)"),
  C("Dialyzer-slope", "Dialyzer", "rate ~ pressure * factor(QB) + I(pressure^2) + (pressure | Subject)"),
  C("Dialyzer-quadratic-slopes", "Dialyzer", "rate ~ pressure * factor(QB) + I(pressure^2) + (pressure + I(pressure^2) | Subject)"),
  C("Gasoline-nlme", "Gasoline", "yield ~ endpoint + (1 | Sample)"),
  C("Gun-nested", "Gun", "rounds ~ Method + (1 | Physique/Team)"),
  C("PBG-slope", "PBG", "deltaBP ~ log(dose) * Treatment + (log(dose) | Rabbit)"),
  C("Spruce-slope", "Spruce", "logSize ~ days * plot + (days | Tree)"),
  C("MathAchieve-slope", "MathAchieve", "MathAch ~ SES + Minority + Sex + MEANSES + (SES | School)"),
  C("MathAchieve-uncorrelated-ml", "MathAchieve", "MathAch ~ SES + Minority + Sex + MEANSES + (SES || School)", REML = FALSE),
  C("Milk-slope", "Milk", "protein ~ Time + Diet + (Time | Cow)"),
  C("Milk-intercept-ml", "Milk", "protein ~ Time + I(Time^2) + Diet + (1 | Cow)", REML = FALSE),
  C("Oxide-nested", "Oxide", "Thickness ~ Source + (1 | Lot/Wafer)"),
  C("Fatigue-slope", "Fatigue", "relLength ~ cycles + (cycles | Path)"),
  C("IGF-slope", "IGF", "conc ~ age + (age | Lot)"),
  C("IGF-intercept-ml", "IGF", "conc ~ age + (1 | Lot)", REML = FALSE),
  C("Earthquake-log", "Earthquake", "log(accel) ~ log(distance) + Richter + soil + (1 | Quake)"),
  C("Glucose2-nested", "Glucose2", "glucose ~ Time + I(Time^2) + (1 | Subject/Date)"),
  C("Soybean-slope", "Soybean", "log(weight) ~ Time * Variety + factor(Year) + (Time | Plot)"),
  C("Wheat2-block", "Wheat2", "yield ~ variety + (1 | Block)"),
  C("Muscle", "Muscle", "length ~ conc + (1 | Strip)"),
  C("Tetracycline1-log", "Tetracycline1", "log(conc) ~ Time * Formulation + (1 | Subject)"),
  C("Cefamandole-loglog", "Cefamandole", "log(conc) ~ log(Time) + (log(Time) | Subject)"),
  C("Nitrendipene", "Nitrendipene", "activity ~ log.NIF + (1 | Tissue)"),
  # ---- MASS ----
  C("oats-split-plot", "oats", "Y ~ N + V + (1 | B/V)"),
  C("oats-split-plot-ml", "oats", "Y ~ N * V + (1 | B) + (1 | B:V)", REML = FALSE),
  C("petrol", "petrol", "Y ~ SG + VP + V10 + EP + (1 | No)"),
  C("Sitka-slope", "Sitka", "size ~ Time * treat + (Time | tree)"),
  C("Sitka89-slope-ml", "Sitka89", "size ~ Time + treat + (Time | tree)", REML = FALSE),
  C("OME-proportion-weighted", "OME", "I(Correct/Trials) ~ Loud + Age + OME + Noise + (1 | ID)", weights = "Trials"),
  C("epil-log", "epil", "log(y + 1) ~ lbase * trt + lage + V4 + (1 | subject)"),
  C("epil-slope", "epil", "log(y + 1) ~ lbase * trt + lage + period + (period | subject)", REML = FALSE),
  C("genotype", "genotype", "Wt ~ Litter + (1 | Mother)"),
  C("minn38-crossed", "minn38", "log(f) ~ sex + hs + (1 | phs) + (1 | fol)"),
  C("immer", "immer", "Y1 ~ Var + (1 | Loc)"),
  # ---- R's datasets ----
  C("ChickWeight-slope", "ChickWeight", "weight ~ Time * factor(Diet) + (Time | Chick)"),
  C("ChickWeight-3x3-log", "ChickWeight", "log(weight) ~ Time + I(Time^2) + factor(Diet) + (Time + I(Time^2) | Chick)"),
  C("ChickWeight-sqrt-ml", "ChickWeight", "sqrt(weight) ~ Time + factor(Diet) + (Time | Chick)", REML = FALSE),
  C("CO2-slope", "CO2", "uptake ~ Type * Treatment + log(conc) + (log(conc) | Plant)"),
  C("Orange-slope", "Orange", "circumference ~ age + (age | Tree)"),
  C("Loblolly-quadratic", "Loblolly", "height ~ age + I(age^2) + (age | Seed)"),
  C("Indometh-loglog", "Indometh", "log(conc) ~ log(time) + (log(time) | Subject)"),
  C("warpbreaks-tension", "warpbreaks", "breaks ~ wool + (1 | tension)"),
  C("warpbreaks-crossed", "warpbreaks", "log(breaks) ~ 1 + (1 | wool) + (1 | tension)"),
  C("InsectSprays-sqrt", "InsectSprays", "sqrt(count) ~ 1 + (1 | spray)"),
  # ---- HSAUR3 ----
  C("BtheB-long", "BtheB", "bdi ~ bdi.pre + time + treatment + drug + length + (1 | subject)", REML = FALSE),
  C("BtheB-slope", "BtheB", "bdi ~ bdi.pre + time + treatment + (time | subject)"),
  C("epilepsy-log", "epilepsy", "log(seizure.rate + 1) ~ log(base) + age + treatment + factor(period) + (1 | subject)"),
  C("phosphate-slope", "phosphate", "plasma ~ time * group + t0 + (time | id)"),
  # ---- plm ----
  C("Grunfeld-log-crossed", "Grunfeld", "log(inv) ~ log(value) + log(capital) + (1 | firm) + (1 | year)", note = "hard shape: crossed, year has 20 levels and a small variance"),
  C("Grunfeld-slope", "Grunfeld", "inv ~ value + capital + (value | firm)"),
  C("Produc-crossed-ml", "Produc", "log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp + (1 | state) + (1 | year)", REML = FALSE, note = "hard shape: crossed, year has 17 levels"),
  C("Produc-region-crossed", "Produc", "log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp + (1 | region) + (1 | year)"),
  C("EmplUK-crossed", "EmplUK", "log(emp) ~ log(wage) + log(capital) + log(output) + (1 | firm) + (1 | year)"),
  C("Cigar-crossed", "Cigar", "log(sales) ~ log(price/cpi) + log(ndi/cpi) + log(pimin/cpi) + (1 | state) + (1 | year)"),
  C("Cigar-slope", "Cigar", "log(sales) ~ log(price/cpi) + log(ndi/cpi) + (log(price/cpi) | state)", REML = FALSE),
  C("Hedonic-town", "Hedonic", "mv ~ crim + nox + rm + age + dis + rad + tax + ptratio + lstat + chas + (1 | townid)"),
  C("GasolinePlm-crossed", "GasolinePlm", "lgaspcar ~ lincomep + lrpmg + lcarpcap + (1 | country) + (1 | year)", note = "hard shape: crossed, year has 19 levels"),
  C("GasolinePlm-slope", "GasolinePlm", "lgaspcar ~ lincomep + lrpmg + lcarpcap + (lrpmg | country)", REML = FALSE),
  C("Males-crossed", "Males", "wage ~ exper + I(exper^2) + school + union + married + (1 | nr) + (1 | year)"),
  C("Males-industry", "Males", "wage ~ exper + school + union + (1 | nr) + (1 | industry)", REML = FALSE),
  C("Crime-crossed", "Crime", "lcrmrte ~ lprbarr + lprbconv + lprbpris + lpolpc + ldensity + region + (1 | county) + (1 | year)"),
  C("Snmesp-crossed", "Snmesp", "n ~ w + k + y + (1 | firm) + (1 | year)"),
  C("RiceFarms-region", "RiceFarms", "log(goutput) ~ log(size) + log(totlabor) + log(seed) + varieties + (1 | region) + (1 | id)"),
  C("LaborSupply-crossed", "LaborSupply", "lnhr ~ lnwg + kids + age + disab + (1 | id) + (1 | year)"),
  C("LaborSupply-slope-ml", "LaborSupply", "lnhr ~ lnwg + kids + age + (lnwg | id)", REML = FALSE),
  # ---- AER ----
  C("Fatalities-crossed", "Fatalities", "frate ~ beertax + unemp + log(income) + drinkage + jail + (1 | state) + (1 | year)"),
  C("Fatalities-weighted", "Fatalities", "frate ~ beertax + unemp + log(income) + (1 | state) + (1 | year)", weights = "popm"),
  C("CPS1988-region", "CPS1988", "log(wage) ~ experience + I(experience^2) + education + ethnicity + parttime + (1 | region) + (1 | region:smsa)"),
  C("CPS1988-slope-ml", "CPS1988", "log(wage) ~ experience + I(experience^2) + education + ethnicity + (education | region)", REML = FALSE),
  C("PSID7682-crossed", "PSID7682", "log(wage) ~ experience + I(experience^2) + weeks + education + gender + union + south + (1 | id) + (1 | year)"),
  C("PSID7682-slope", "PSID7682", "log(wage) ~ experience + weeks + education + gender + (experience | id)", REML = FALSE),
  C("CPSSW8-slope", "CPSSW8", "log(earnings) ~ age + gender + education + (education | region)"),
  C("Guns-crossed", "Guns", "log(violent) ~ law + log(prisoners) + income + log(density) + (1 | state) + (1 | year)", note = "hard shape: crossed, year has 23 levels"),
  C("Guns-slope-ml", "Guns", "log(violent) ~ law + log(prisoners) + (log(prisoners) | state) + (1 | year)", REML = FALSE),
  C("USSeatBelts-crossed", "USSeatBelts", "log(fatalities) ~ seatbelt + speed65 + alcohol + log(income) + age + (1 | state) + (1 | year)"),
  C("CASchools-county", "CASchools", "read ~ I(students/teachers) + lunch + log(income) + english + (1 | county)"),
  C("CASchools-county-ml", "CASchools", "math ~ I(students/teachers) + lunch + english + (1 | county)", REML = FALSE),
  C("TeachingRatings-weighted", "TeachingRatings", "eval ~ beauty + gender + minority + native + tenure + (1 | prof)", weights = "students"),
  C("TeachingRatings-slope", "TeachingRatings", "eval ~ beauty + gender + division + (beauty | prof)"),
  C("Journals-field", "Journals", "log(subs) ~ log(price/citations) + society + (1 | field)"),
  C("ResumeNames-crossed", "ResumeNames", "called ~ ethnicity + gender + quality + experience + city + (1 | name) + (1 | industry)"),
  C("NMES1988-region", "NMES1988", "log(visits + 1) ~ health + chronic + age + gender + insurance + school + (1 | region)"),
  # ---- glmmTMB ----
  C("Salamanders-log", "Salamanders", "log(count + 1) ~ mined * spp + cover + DOY + (1 | site)"),
  C("Salamanders-slope", "Salamanders", "log(count + 1) ~ mined + spp + (1 + cover | site)", REML = FALSE),
  C("Owls-offset", "Owls", "log(SiblingNegotiation + 1) ~ FoodTreatment * SexParent + ArrivalTime + offset(log(BroodSize)) + (1 | Nest)"),
  C("Owls-factor-slope", "Owls", "log(SiblingNegotiation + 1) ~ FoodTreatment + SexParent + ArrivalTime + (FoodTreatment | Nest)"),
  C("Owls-factor-nointercept-ml", "Owls", "log(SiblingNegotiation + 1) ~ FoodTreatment + ArrivalTime + (0 + FoodTreatment | Nest)", REML = FALSE),
  # ---- carData, geepack, dslabs, ggplot2 ----
  C("Blackmore-slope", "Blackmore", "log(exercise + 5/60) ~ age * group + (age | subject)"),
  C("Wong-log", "Wong", "piq ~ log(days + 1) + sex + age + (1 | id)"),
  C("Vocab-year", "Vocab", "vocabulary ~ education + sex + (education | year)"),
  C("SLID-language", "SLID", "log(wages) ~ education + age + I(age^2) + sex + (1 | language)"),
  C("dietox-slope-litter", "dietox", "Weight ~ Time + Evit + Cu + (Time | Pig) + (1 | Litter)"),
  C("dietox-3x3", "dietox", "log(Weight) ~ Time + I(Time^2) + Cu + (Time + I(Time^2) | Pig)", REML = FALSE),
  # ---- more of the hard shape: a scalar intercept of the occasion crossed with the subject's, on top of
  # a fixed trend in the same variable (small variance, ~5-20 levels) ----
  C("sleepstudy-crossed-days", "sleepstudy", "Reaction ~ Days + (1 | Subject) + (1 | Days)", note = "hard shape: crossed scalar intercepts, Days has 10 levels and a small variance"),
  C("sleepstudy-slope-crossed-days-ml", "sleepstudy", "Reaction ~ Days + (Days | Subject) + (1 | Days)", REML = FALSE),
  C("Milk-crossed-time", "Milk", "protein ~ Time + Diet + (1 | Cow) + (1 | Time)", note = "hard shape: crossed scalar intercepts, Time has 19 levels"),
  C("Milk-crossed-time-ml", "Milk", "protein ~ Time + Diet + (1 | Cow) + (1 | Time)", REML = FALSE),
  C("ChickWeight-crossed-time", "ChickWeight", "log(weight) ~ Time + factor(Diet) + (1 | Chick) + (1 | Time)"),
  C("BodyWeight-crossed-time", "BodyWeight", "weight ~ Time + factor(Diet) + (1 | Rat) + (1 | Time)"),
  C("Spruce-crossed-days", "Spruce", "logSize ~ days + plot + (1 | Tree) + (1 | days)"),
  C("dietox-crossed-time", "dietox", "Weight ~ Time + Cu + (1 | Pig) + (1 | Time)"),
  C("Oxboys-crossed-occasion", "Oxboys", "height ~ age + (1 | Subject) + (1 | Occasion)"),
  C("CO2-crossed-conc", "CO2", "uptake ~ log(conc) + Type * Treatment + (1 | Plant) + (1 | conc)"),
  C("Soybean-crossed-time", "Soybean", "log(weight) ~ Time + Variety + (1 | Plot) + (1 | Time)"),
  C("egsingle-crossed-year", "egsingle", "math ~ year + lowinc + (1 | childid) + (1 | schoolid) + (1 | year)"),
  C("Early-crossed-age", "Early", "cog ~ age * trt + (1 | id) + (1 | age)"),
  C("Produc-crossed", "Produc", "log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp + (1 | state) + (1 | year)"),
  C("Cigar-crossed-ml", "Cigar", "log(sales) ~ log(price/cpi) + log(ndi/cpi) + log(pimin/cpi) + (1 | state) + (1 | year)", REML = FALSE),
  C("USSeatBelts-crossed-ml", "USSeatBelts", "log(fatalities) ~ seatbelt + speed65 + alcohol + log(income) + age + (1 | state) + (1 | year)", REML = FALSE),
  C("Guns-crossed-ml", "Guns", "log(violent) ~ law + log(prisoners) + income + log(density) + (1 | state) + (1 | year)", REML = FALSE),
  C("PSID7682-crossed-ml", "PSID7682", "log(wage) ~ experience + I(experience^2) + weeks + education + gender + union + south + (1 | id) + (1 | year)", REML = FALSE),
  C("Fatalities-crossed-ml", "Fatalities", "frate ~ beertax + unemp + log(income) + drinkage + jail + (1 | state) + (1 | year)", REML = FALSE),
  C("movielens-crossed", "movielens", "rating ~ 1 + (1 | userId) + (1 | movieId)"),
  C("diamonds-crossed", "diamonds", "log(price) ~ log(carat) + (1 | cut) + (1 | color) + (1 | clarity)")
)

# ---- writing the data ----
plain <- function(df) {
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  for (n in names(df)) {
    v <- df[[n]]
    if (is.factor(v)) v <- as.character(v)
    else if (is.logical(v)) stop("logical column ", n, ": write it as labels")
    else if (!is.numeric(v) && !is.character(v)) v <- as.vector(v)
    attributes(v) <- NULL
    df[[n]] <- v
  }
  df <- df[stats::complete.cases(df), , drop = FALSE]
  df <- df[do.call(order, c(unname(as.list(df)), list(method = "radix"))), , drop = FALSE]
  rownames(df) <- NULL
  df
}

written <- list()
data_path <- function(name) file.path(data_dir, paste0(name, ".csv"))
write_data <- function(name) {
  if (!is.null(written[[name]])) return(invisible())
  df <- plain(datasets[[name]]())
  write.csv(df, data_path(name), row.names = FALSE, na = "")
  back <- read.csv(data_path(name), stringsAsFactors = TRUE)
  if (any(vapply(back, is.logical, TRUE))) stop("data set ", name, " reads back with a logical column")
  written[[name]] <<- TRUE
}

# ---- fitting ----
fit_lmer <- function(f, d, reml, weights, ...) {
  args <- list(formula = f, data = d, REML = reml, ...)
  if (!is.null(weights)) args$weights <- d[[weights]]
  do.call(lme4::lmer, args)
}

with_warnings <- function(expr) {
  w <- character()
  value <- withCallingHandlers(expr, warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") },
                               message = function(c) { w <<- c(w, trimws(conditionMessage(c))); invokeRestart("muffleMessage") })
  list(value = value, warnings = w)
}

# one local search from `start` by each of three optimizers at tight tolerances
searches <- function(devfun, start, lower, upper, nelder_mead = TRUE) {
  fn <- function(x) { v <- devfun(x); if (is.finite(v)) v else 1e300 }
  out <- list()
  out$nloptr <- tryCatch({
    r <- nloptr::nloptr(start, fn, lb = lower, ub = upper,
                        opts = list(algorithm = "NLOPT_LN_BOBYQA", xtol_abs = 1e-12, ftol_abs = 1e-15, ftol_rel = 1e-15, xtol_rel = 1e-12, maxeval = 1e5))
    list(par = r$solution, value = r$objective)
  }, error = function(e) NULL)
  out$minqa <- tryCatch({
    st <- pmax(start, lower)
    r <- suppressWarnings(minqa::bobyqa(st, fn, lower = lower, upper = upper, control = list(rhobeg = 0.02, rhoend = 1e-12, maxfun = 1e5)))
    list(par = r$par, value = r$fval)
  }, error = function(e) NULL)
  if (nelder_mead) out$nelder_mead <- tryCatch({
    r <- lme4::Nelder_Mead(fn, start, lower = lower, upper = upper,
                           control = list(FtolAbs = 1e-15, FtolRel = 1e-15, XtolRel = 1e-12, maxfun = 1e5))
    list(par = r$par, value = r$fval)
  }, error = function(e) NULL)
  out
}

# For each diagonal entry of theta (by index), the indices of the entries below it in its template column:
# lme4 fills each term's lower-triangular template column by column.
column_below <- function(cnms) {
  below <- list()
  pos <- 0
  for (nc in lengths(cnms)) for (j in seq_len(nc)) {
    len <- nc - j + 1
    below[[pos + 1]] <- if (len > 1) pos + 2:len else integer()
    pos <- pos + len
  }
  below
}

find_optimum <- function(devfun, theta0, lower, nrows, below) {
  upper <- rep(Inf, length(lower))
  best <- list(par = theta0, value = devfun(theta0), by = "lme4 default")
  consider <- function(r, label) {
    if (!is.null(r) && is.finite(r$value) && r$value < best$value) best <<- list(par = r$par, value = r$value, by = label)
  }
  # up to 20 000 rows: three optimizers from every start and a polishing round; up to 50 000 rows: no
  # Nelder-Mead and one interior start (0.2); above: NLopt's and minqa's BOBYQA from lme4's theta only
  nm <- nrows <= 20000
  starts <- list(`lme4 theta` = theta0)
  zero <- which(lower == 0 & theta0 < 1e-4)
  if (nrows <= 50000 && length(zero) > 0) {
    # a diagonal entry at 0 leaves the sign of the rest of its column free: start from both signs
    flip <- unlist(below[zero])
    for (v in if (nm) c(0.05, 0.2, 1) else 0.2) {
      s <- theta0; s[zero] <- v; starts[[sprintf("zero theta at %g", v)]] <- s
      if (length(flip)) { s[flip] <- -s[flip]; starts[[sprintf("zero theta at %g, their columns negated", v)]] <- s }
    }
    if (nm && length(zero) > 1) for (k in zero) {
      s <- theta0; s[k] <- 0.2; starts[[sprintf("theta[%d] at 0.2", k)]] <- s
      if (length(below[[k]])) { s[below[[k]]] <- -s[below[[k]]]; starts[[sprintf("theta[%d] at 0.2, its column negated", k)]] <- s }
    }
  }
  for (label in names(starts)) {
    rs <- searches(devfun, starts[[label]], lower, upper, nelder_mead = nm)
    for (o in names(rs)) consider(rs[[o]], paste(o, "from", label))
  }
  if (nrows <= 50000) {
    from <- best$by
    rs <- searches(devfun, best$par, lower, upper, nelder_mead = nm)
    for (o in names(rs)) consider(rs[[o]], paste0(o, " polishing (", from, ")"))
  }
  # bounded components within 1e-7 of their bound, tried exactly at it
  near <- which(lower == 0 & best$par < 1e-7 & best$par != 0)
  if (length(near) > 0) {
    s <- best$par; s[near] <- 0
    v <- devfun(s)
    if (v <= best$value) best <- list(par = s, value = v, by = paste(best$by, "+ snapped to 0"))
  }
  best
}

named <- function(v) as.list(setNames(as.numeric(v), names(v)))

run_case <- function(cs) {
  write_data(cs$data)
  d <- read.csv(data_path(cs$data), stringsAsFactors = TRUE)
  f <- as.formula(cs$formula)
  reml <- cs$REML
  reps <- if (nrow(d) > 5000) 1 else 3
  times <- numeric(reps)
  for (r in seq_len(reps)) {
    times[r] <- system.time(fw <- with_warnings(fit_lmer(f, d, reml, cs$weights)))[["elapsed"]]
  }
  m <- fw$value
  theta0 <- unname(getME(m, "theta"))
  lower <- getME(m, "lower")
  crit <- function(x) if (isREML(x)) as.numeric(REMLcrit(x)) else as.numeric(deviance(x))
  default_crit <- crit(m)
  devfun <- fit_lmer(f, d, reml, cs$weights, devFunOnly = TRUE)
  check <- devfun(theta0)
  if (abs(check - default_crit) > 1e-8 * max(1, abs(default_crit))) stop("devfun disagrees with lme4's criterion: ", check, " vs ", default_crit)
  best <- find_optimum(devfun, theta0, lower, if (thorough) 0 else nrow(d), column_below(getME(m, "cnms")))
  mo <- suppressMessages(suppressWarnings(fit_lmer(f, d, reml, cs$weights, start = list(theta = best$par), control = lmerControl(optimizer = NULL))))
  crit_opt <- crit(mo)
  thetaOpt <- unname(getME(mo, "theta"))
  list(
    id = cs$id, dataset = cs$data, formula = cs$formula, REML = reml, weights = cs$weights,
    engine = paste("lme4", as.character(packageVersion("lme4"))),
    rows = nrow(d), nobs = nobs(mo), large = nrow(d) > 20000,
    ngrps = as.list(ngrps(mo)),
    criterion = crit_opt,
    theta = I(thetaOpt), theta_names = I(names(getME(mo, "theta"))), theta_lower = I(lower),
    fixef = named(fixef(mo)), se = named(sqrt(diag(as.matrix(vcov(mo))))),
    sigma = sigma(mo),
    isSingular = any(thetaOpt[lower == 0] < 1e-4),
    optimum_by = best$by,
    search = if (thorough || nrow(d) <= 20000) "full" else if (nrow(d) <= 50000) "no Nelder-Mead, one interior start" else "two BOBYQAs from lme4's theta",
    lme4_default = list(criterion = default_crit, theta = I(theta0), evaluations = m@optinfo$feval,
                        stopped_short_by = default_crit - crit_opt,
                        isSingular = any(theta0[lower == 0] < 1e-4),
                        warnings = I(fw$warnings)),
    lme4_seconds = median(times),
    note = cs$note
  )
}

# ---- the README: how the corpus is made and a table of every case written so far ----
write_readme <- function() {
  files <- sort(list.files(case_dir, pattern = "[.]json$", full.names = TRUE))
  rs <- lapply(files, function(f) fromJSON(f, simplifyVector = TRUE))
  rs <- rs[order(vapply(rs, function(r) r$id, ""))]
  fmt <- function(x) if (x == 0) "0" else trimws(formatC(x, format = "g", digits = 2))
  short <- vapply(rs, function(r) r$lme4_default$stopped_short_by, 0)
  sing <- vapply(rs, function(r) isTRUE(r$isSingular), TRUE)
  large <- vapply(rs, function(r) isTRUE(r$large), TRUE)
  ids <- vapply(rs, function(r) r$id, "")
  datas <- unique(vapply(rs, function(r) r$dataset, ""))
  esc <- function(x) gsub("|", "\\|", x, fixed = TRUE)
  rows <- vapply(rs, function(r) sprintf("| %s | %d%s | `%s` | %s%s | %s | %s |", r$id, r$rows, if (isTRUE(r$large)) " (large)" else "", esc(r$formula),
    if (r$REML) "REML" else "ML", if (is.null(r$weights)) "" else paste0(", weights ", r$weights),
    if (isTRUE(r$isSingular)) "yes" else "no", fmt(r$lme4_default$stopped_short_by)), "")
  mb <- sum(file.size(list.files(out_dir, recursive = TRUE, full.names = TRUE))) / 1e6
  lines <- c(
    "# Corpus of lme4 fits at the optimum (issue 10)",
    "",
    sprintf("%d models (%d of them large: more than 20 000 rows) on %d real data sets from R packages that Debian ships (lme4, mlmRev, nlme, MASS, datasets, HSAUR3, plm, AER, glmmTMB, carData, geepack, dslabs, ggplot2), fitted by %s. %.1f MB in all.",
            length(rs), sum(large), length(datas), rs[[1]]$engine, mb),
    "",
    "Made by `Rscript tools/make-corpus.R` (from the project folder; `Rscript tools/make-corpus.R ID ...` redoes some cases, `--readme` rewrites this file only). Tests never call R: `test/corpus.test.ts` fits every case that is not large; `node bench/corpus.mjs` fits them all.",
    "",
    "## How a case is made",
    "",
    "- `data/<dataset>.csv`: the columns the data set's models use, rows with a missing value in any of them dropped, factors written as their labels and numbers as numbers (`write.csv`), rows sorted by all columns from left to right. Shared by the cases on that data set. Derived columns are made in the script and said there (e.g. sleepstudy's `g2`: Subject's index among its sorted levels, `odd` or `even`; `w = 1 + (Days mod 3)/2`; Ovary's `s1 = sin(2 pi Time)`, `c1 = cos(2 pi Time)`; long forms of the wide HSAUR3 tables).",
    "- The CSV is read back with `read.csv(stringsAsFactors = TRUE)` and fitted by `lmer(formula, data, REML =)` (with `weights =` the named column where there is one): where that default fit stopped is `lme4_default` (`criterion`, `theta`, `evaluations`, `isSingular`, `warnings`, and `stopped_short_by`, its criterion minus the optimum's). `lme4_seconds` is that fit's time (median of 3 under 5 000 rows).",
    "- The optimum: lme4's profiled criterion (`lmer(..., devFunOnly = TRUE)`: the REML criterion for REML fits, the deviance for ML fits) minimized again by NLopt's BOBYQA (`xtol_abs` 1e-12, `ftol_abs` 1e-15), minqa's BOBYQA (`rhoend` 1e-12) and lme4's Nelder-Mead (`FtolAbs` 1e-15), from lme4's theta and, when lme4 left bounded theta components below 1e-4, from interior points (all of them at 0.05, 0.2 and 1, and each alone at 0.2; each also with the rest of those components' template columns negated, since a zero diagonal leaves their sign free: Fatigue-slope's optimum is 8.4 lower on the other sign); then a polishing round from the best point; bounded components within 1e-7 of 0 are tried at 0. The lowest criterion wins (`optimum_by` says which search found it). Without `--thorough`, the script searches less on large data: between 20 000 and 50 000 rows no Nelder-Mead and one interior start (0.2), above 50 000 rows the two BOBYQAs from lme4's theta only.",
    "- At the optimum (the model evaluated there with `lmerControl(optimizer = NULL)`): `criterion`, `theta`, `theta_names`, `theta_lower` (null is -Inf), `fixef`, `se`, `sigma`, `nobs`, `ngrps`, `rows` (the CSV's rows), and `isSingular`: some bounded theta below 1e-4.",
    "- `large`: more than 20 000 rows; those run in the bench only. `search` says how the optimum was searched: `full` for every case here but those listed under Summary.",
    "",
    "## Summary",
    "",
    sprintf("- Singular at the optimum (%d): %s.", sum(sing), paste(ids[sing], collapse = ", ")),
    sprintf("- lme4's default fit stops more than 1e-6 short of the optimum (%d): %s.", sum(short > 1e-6),
            paste(sprintf("%s (%s)", ids[short > 1e-6], vapply(short[short > 1e-6], fmt, "")), collapse = ", ")),
    if (all(vapply(rs, function(r) identical(r$search, "full"), TRUE))) "- Every case had the full search (`search: \"full\"`; the large ones were made with `--thorough`)." else
    sprintf("- Searched less than fully (%d): %s.", sum(vapply(rs, function(r) !identical(r$search, "full"), TRUE)),
            paste(sprintf("%s (%s)", ids, vapply(rs, function(r) if (is.null(r$search)) "?" else r$search, ""))[vapply(rs, function(r) !identical(r$search, "full"), TRUE)], collapse = ", ")),
    sprintf("- lme4's default and the optimum disagree on singularity (%d): %s.",
            sum(vapply(rs, function(r) !identical(isTRUE(r$isSingular), isTRUE(r$lme4_default$isSingular)), TRUE)),
            paste(ids[vapply(rs, function(r) !identical(isTRUE(r$isSingular), isTRUE(r$lme4_default$isSingular)), TRUE)], collapse = ", ")),
    "",
    "## Cases",
    "",
    "| id | rows | formula | fit | singular at the optimum | lme4 default short by |",
    "| --- | ---: | --- | --- | --- | ---: |",
    rows,
    ""
  )
  writeLines(lines, file.path(out_dir, "README.md"))
}

args <- commandArgs(trailingOnly = TRUE)
thorough <- "--thorough" %in% args
args <- setdiff(args, "--thorough")
ids <- vapply(cases, function(cs) cs$id, "")
if (anyDuplicated(ids)) stop("duplicate case ids: ", paste(ids[duplicated(ids)], collapse = ", "))
readme_only <- length(args) > 0 && args[1] == "--readme"
if (readme_only) args <- character()
except <- length(args) > 0 && args[1] == "--except"
if (except) args <- args[-1]
if (length(setdiff(args, ids))) stop("unknown case ids: ", paste(setdiff(args, ids), collapse = ", "))
todo <- if (except) cases[!ids %in% args] else if (length(args) > 0) cases[ids %in% args] else cases
failed <- character()
if (readme_only) todo <- list()
for (cs in todo) {
  t0 <- Sys.time()
  r <- tryCatch(run_case(cs), error = function(e) { message("  ", cs$id, " refused: ", conditionMessage(e)); NULL })
  if (is.null(r)) { failed <- c(failed, cs$id); next }
  writeLines(toJSON(r, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(case_dir, paste0(cs$id, ".json")))
  cat(sprintf("%-34s rows %6d  short %.3g  singular %s  %.1fs  (%s)\n", cs$id, r$rows, r$lme4_default$stopped_short_by,
              r$isSingular, as.numeric(difftime(Sys.time(), t0, units = "secs")), r$optimum_by))
}
write_readme()
if (length(failed)) cat("not written (lme4 refused or the script failed):", paste(failed, collapse = ", "), "\n")
cat("done\n")
