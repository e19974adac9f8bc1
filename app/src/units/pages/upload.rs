//! Browser side of the CSV import: reading the header row from the chosen file, and
//! uploading the file with progress. Used from event handlers only (they run only in
//! the browser).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The cells of one CSV line (double quotes group, `""` is a quote).
pub fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|cell| cell.trim().trim_start_matches('\u{feff}').to_string()).collect()
}

/// The header row's column names, read from the first 64 KB of the file.
pub async fn header_of(file: &web_sys::File) -> Result<Vec<String>, String> {
    let size = file.size().min(65_536.0) as i32;
    let head = file.slice_with_i32_and_i32(0, size).map_err(|_| "The file cannot be read.".to_string())?;
    let text = wasm_bindgen_futures::JsFuture::from(head.text())
        .await
        .map_err(|_| "The file cannot be read.".to_string())?;
    let text = text.as_string().unwrap_or_default();
    let line = text.lines().next().unwrap_or("");
    Ok(split_csv_line(line))
}

/// POSTs `file` to `url`; `progress` gets the uploaded share (0–1) as it goes, `done` the
/// status and body (status 0: the network failed).
pub fn upload(
    url: &str,
    file: &web_sys::File,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(u16, String) + 'static,
) -> Result<(), String> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| "This browser cannot upload files.".to_string())?;
    xhr.open("POST", url).map_err(|_| "The upload could not start.".to_string())?;
    let _ = xhr.set_request_header("Content-Type", "text/csv");
    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    on_progress.forget();
    let finished = xhr.clone();
    let on_end = Closure::once_into_js(move || {
        let status = finished.status().unwrap_or(0);
        let body = finished.response_text().ok().flatten().unwrap_or_default();
        done(status, body);
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    xhr.send_with_opt_blob(Some(file)).map_err(|_| "The upload could not start.".to_string())
}

#[cfg(test)]
mod tests {
    use super::split_csv_line;

    #[test]
    fn header_cells_split_like_csv() {
        assert_eq!(
            split_csv_line("\u{feff}id,\"name, full\",\"say \"\"hi\"\"\"\r\n"),
            ["id", "name, full", "say \"hi\""]
        );
        assert_eq!(split_csv_line("a,,b"), ["a", "", "b"]);
    }
}
