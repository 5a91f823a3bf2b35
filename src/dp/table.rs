/// A dense row-major table: `rows` rows of `cols = capacity + 1` cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table<T> {
    rows: usize,
    cols: usize,
    data: Vec<T>,
}

impl<T: Clone> Table<T> {
    /// A table filled with `fill`.
    pub fn filled(rows: usize, cols: usize, fill: T) -> Self {
        Table {
            rows,
            cols,
            data: vec![fill; rows * cols],
        }
    }
    /// From rows of equal length `cols`.
    pub fn from_rows(cols: usize, rows: Vec<Vec<T>>) -> Self {
        let n = rows.len();
        let data: Vec<T> = rows.into_iter().flatten().collect();
        debug_assert_eq!(data.len(), n * cols);
        Table {
            rows: n,
            cols,
            data,
        }
    }
}

impl<T> Table<T> {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// Number of columns (capacity + 1).
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// Row `r` as a slice.
    pub fn row(&self, r: usize) -> &[T] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }
    /// Row `r`, mutable.
    pub fn row_mut(&mut self, r: usize) -> &mut [T] {
        &mut self.data[r * self.cols..(r + 1) * self.cols]
    }
    /// Cell (r, c).
    pub fn get(&self, r: usize, c: usize) -> &T {
        &self.data[r * self.cols + c]
    }
}
