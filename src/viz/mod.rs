//! Drawing as pure functions of data.
