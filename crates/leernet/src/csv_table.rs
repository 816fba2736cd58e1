//! A CSV file read as a table of typed columns, for `leernet stats`.
//!
//! Exists so that every `stats` subcommand reads data the same way the contract says:
//! a header row; an empty cell is missing; a column is numeric when every present value
//! parses as a number, else nominal; `--types col:numeric,col2:nominal,col3:ordinal`
//! (and `col4:binary`, an asymmetric 0/1 multi-select option) overrides. Ordinal
//! levels are ordered numerically when they are all numbers, else by their text.
//! Errors name the file, the line and the column.

use crate::cli_error::{CliError, CliResult};
use anyhow::anyhow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Level of measurement of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Numbers.
    Numeric,
    /// Unordered categories.
    Nominal,
    /// Ordered categories.
    Ordinal,
    /// Asymmetric binary (0/1), e.g. one option of a multi-select question.
    Binary,
}

impl ColType {
    /// The name used in `--types` and in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            ColType::Numeric => "numeric",
            ColType::Nominal => "nominal",
            ColType::Ordinal => "ordinal",
            ColType::Binary => "binary",
        }
    }
}

/// One column: its cells as text (`None` = missing) and its type.
#[derive(Debug, Clone)]
pub struct Column {
    /// Header name.
    pub name: String,
    /// Level of measurement.
    pub ty: ColType,
    /// Cells, trimmed; `None` when empty.
    pub cells: Vec<Option<String>>,
}

/// A CSV file as columns.
#[derive(Debug, Clone)]
pub struct Table {
    /// Where it came from (for messages).
    pub path: PathBuf,
    /// The columns in file order.
    pub columns: Vec<Column>,
    /// Number of data rows.
    pub n_rows: usize,
}

fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}

impl Table {
    /// Reads `path` and types its columns (`types` is the `--types` option).
    pub fn read(path: &Path, types: Option<&str>) -> CliResult<Table> {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", path.display())))?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes.as_slice());
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| {
                CliError::invalid(anyhow!(
                    "{} has no readable header row: {e}",
                    path.display()
                ))
            })?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.is_empty() || headers.iter().all(String::is_empty) {
            return Err(CliError::invalid(anyhow!(
                "{} is empty: it needs a header row and at least one data row",
                path.display()
            )));
        }
        let mut seen = BTreeMap::new();
        for (k, h) in headers.iter().enumerate() {
            if h.is_empty() {
                return Err(CliError::invalid(anyhow!(
                    "{}: column {} has an empty header",
                    path.display(),
                    k + 1
                )));
            }
            if let Some(first) = seen.insert(h.clone(), k) {
                return Err(CliError::invalid(anyhow!(
                    "{}: columns {} and {} are both called `{h}`",
                    path.display(),
                    first + 1,
                    k + 1
                )));
            }
        }
        let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); headers.len()];
        for (r, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(r as u64 + 2);
                CliError::invalid(anyhow!("{}, line {line}: {e}", path.display()))
            })?;
            for (k, v) in rec.iter().enumerate() {
                let v = v.trim();
                cells[k].push(if v.is_empty() {
                    None
                } else {
                    Some(v.to_string())
                });
            }
        }
        let n_rows = cells[0].len();
        if n_rows == 0 {
            return Err(CliError::invalid(anyhow!(
                "{} has a header but no data rows",
                path.display()
            )));
        }
        let mut overrides: BTreeMap<String, ColType> = BTreeMap::new();
        if let Some(spec) = types {
            for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (col, ty) = item.rsplit_once(':').ok_or_else(|| {
                    CliError::usage(anyhow!(
                        "--types item `{item}` is not of the form column:type"
                    ))
                })?;
                let ty = match ty {
                    "numeric" => ColType::Numeric,
                    "nominal" => ColType::Nominal,
                    "ordinal" => ColType::Ordinal,
                    "binary" => ColType::Binary,
                    other => {
                        return Err(CliError::usage(anyhow!(
                            "--types: `{other}` is not a type (numeric, nominal, ordinal, binary)"
                        )))
                    }
                };
                if !seen.contains_key(col) {
                    return Err(CliError::usage(anyhow!(
                        "--types names column `{col}`, which {} does not have",
                        path.display()
                    )));
                }
                overrides.insert(col.to_string(), ty);
            }
        }
        let mut columns = Vec::with_capacity(headers.len());
        for (name, cells) in headers.into_iter().zip(cells) {
            let ty = match overrides.get(&name) {
                Some(t) => *t,
                None => {
                    let all_num = cells.iter().flatten().all(|v| parse_number(v).is_some());
                    if all_num && cells.iter().flatten().next().is_some() {
                        ColType::Numeric
                    } else {
                        ColType::Nominal
                    }
                }
            };
            columns.push(Column { name, ty, cells });
        }
        let table = Table {
            path: path.to_path_buf(),
            columns,
            n_rows,
        };
        // Numeric and binary columns must hold finite numbers / 0-1 values.
        for c in &table.columns {
            match c.ty {
                ColType::Numeric => {
                    table.numeric(c)?;
                }
                ColType::Binary => {
                    table.binary(c)?;
                }
                _ => {}
            }
        }
        Ok(table)
    }

    fn cell_error(&self, c: &Column, row: usize, what: &str) -> CliError {
        CliError::invalid(anyhow!(
            "{}, line {}, column `{}`: {what}",
            self.path.display(),
            row + 2,
            c.name
        ))
    }

    /// The values of a numeric column (errors on a non-number or NaN/inf).
    pub fn numeric(&self, c: &Column) -> CliResult<Vec<Option<f64>>> {
        c.cells
            .iter()
            .enumerate()
            .map(|(r, v)| match v {
                None => Ok(None),
                Some(s) => match parse_number(s) {
                    Some(x) if x.is_finite() => Ok(Some(x)),
                    Some(_) => Err(self.cell_error(c, r, &format!("`{s}` is not a finite number"))),
                    None => Err(self.cell_error(c, r, &format!("`{s}` is not a number"))),
                },
            })
            .collect()
    }

    /// The values of a 0/1 column.
    pub fn binary(&self, c: &Column) -> CliResult<Vec<Option<bool>>> {
        c.cells
            .iter()
            .enumerate()
            .map(|(r, v)| match v.as_deref() {
                None => Ok(None),
                Some("0") => Ok(Some(false)),
                Some("1") => Ok(Some(true)),
                Some(s) => Err(self.cell_error(c, r, &format!("`{s}` is not 0 or 1"))),
            })
            .collect()
    }

    /// The ordered levels of a categorical column: numerically when all are numbers,
    /// else by text.
    pub fn levels(c: &Column) -> Vec<String> {
        let mut levels: Vec<String> = c.cells.iter().flatten().cloned().collect();
        levels.sort();
        levels.dedup();
        if c.ty == ColType::Ordinal
            && levels
                .iter()
                .all(|l| parse_number(l).is_some_and(f64::is_finite))
        {
            levels.sort_by(|a, b| {
                parse_number(a)
                    .unwrap_or(0.0)
                    .total_cmp(&parse_number(b).unwrap_or(0.0))
            });
        }
        levels
    }

    /// Category codes (index into [`Table::levels`]).
    pub fn codes(c: &Column) -> (Vec<String>, Vec<Option<u32>>) {
        let levels = Self::levels(c);
        let codes = c
            .cells
            .iter()
            .map(|v| {
                v.as_ref()
                    .map(|s| levels.iter().position(|l| l == s).expect("level is listed") as u32)
            })
            .collect();
        (levels, codes)
    }

    /// Finds a column by name.
    pub fn column(&self, name: &str) -> CliResult<&Column> {
        self.columns.iter().find(|c| c.name == name).ok_or_else(|| {
            CliError::usage(anyhow!("{} has no column `{name}`", self.path.display()))
        })
    }
}
