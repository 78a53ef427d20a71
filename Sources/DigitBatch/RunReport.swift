import DigitData
import DigitReport
import Foundation

extension BatchResults {
    /// Puts the streamed files in place and writes what is written once at the end: the samples as IDX, the
    /// grids, the confusion matrix, report.pdf and, last, summary.json, whose presence says the run finished.
    /// `extra` joins the summary (model, engine, …).
    public func finish(seconds: Double, extra: [String: any Sendable]) throws {
        try csv.commit()
        try jsonl.commit()
        try samples.commit()
        try readings.commit()
        try writeSamplesIDX()

        let shown = self.grid.order == .confidence ? Array(GridChoice.leastSureFirst(tiles).prefix(Self.maxTiles)) : tiles
        let grid = DigitGrid(title: self.grid.title(shown: shown.count, eligible: gridEligible), tiles: shown)
        var mistakesGrid: DigitGrid?, confusionChart: ConfusionChart?
        if labelled > 0 {
            mistakesGrid = DigitGrid(title: "Misclassified: \(labelled - correct) of \(labelled) labelled digits, worst first",
                                     tiles: DigitGrid.mistakes(mistakes), kind: .mistakes)
            confusionChart = ConfusionChart(title: "Confusion matrix", counts: confusion.counts)
        }
        // Two workers share the files out: the first takes the PDF, which waits for the last page overlays (drawn
        // on their own queue) and shows them; the other takes the grid pages meanwhile, one at a time.
        var writes: [() throws -> Void] = [{ [self] in
            try writeReportPDF(grid: grid, mistakesGrid: mistakesGrid, confusionChart: confusionChart, seconds: seconds, extra: extra)
        }]
        writes += grid.pngPages(directory: folder.path, base: "predictions", perPage: 200).map { page in { try page.write() } }
        if let mistakesGrid, let confusionChart {
            writes += mistakesGrid.pngPages(directory: folder.path, base: "misclassified", perPage: 60).map { page in { try page.write() } }
            let path = folder.file("confusion.png")
            writes.append { try confusionChart.writePNG(to: path) }
        }
        let failures = Failures(), next = NextIndex(), shared = UncheckedSendable(writes)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while let k = next.take(below: shared.value.count) {
                do { try shared.value[k]() } catch { failures.add(k, error) }
            }
        }
        if let error = failures.first { throw error }
        // Last: a folder with summary.json holds a finished run.
        try writeAtomically(try JSONSerialization.data(withJSONObject: summary(seconds: seconds, extra: extra),
                                                       options: [.prettyPrinted, .sortedKeys]),
                            to: folder.file("summary.json"))
    }

    /// report.pdf: the summary, the readings, the grids and the first page overlays (waited for here).
    private func writeReportPDF(grid: DigitGrid, mistakesGrid: DigitGrid?, confusionChart: ConfusionChart?,
                                seconds: Double, extra: [String: any Sendable]) throws {
        waitForOverlays()
        var sections: [Report.Section] = grid.pages(perPage: 200).prefix(5).map { .grid($0) }
        if let mistakesGrid, let confusionChart {
            sections = [.confusion(confusionChart)] + mistakesGrid.pages(perPage: 60).prefix(5).map { .grid($0) } + sections
        }
        var lines: [(String, String)] = [("files", "\(files) (\(failed) failed, \(withoutDigits) without digits)"),
                                         ("digits", String(digits)), ("held for review", String(review)),
                                         ("not digits", String(notDigits))]
        if let a = accuracy { lines.append(("accuracy", String(format: "%.2f%% of %d labelled digits", 100 * a, labelled))) }
        lines.append(("time", String(format: "%.2f s", seconds)))
        // The full path and checksum stay in summary.json; the page names the model by file and short checksum.
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) where !["model_path", "model_sha256"].contains(k) { lines.append((k.replacingOccurrences(of: "_", with: " "), "\(v)")) }
        sections = [readingTable()] + sections + overlayViews.map { .page($0) }
        let report = Report(title: "digits classify", summary: lines, notes: errors.map { "\($0.0): \($0.1)" }, sections: sections)
        try report.writePDF(to: folder.file("report.pdf"))
    }

    /// The report's table of what each file reads.
    func readingTable() -> Report.Section {
        let shown = readingRows.count < files ? " (the first \(readingRows.count) of \(files) files; all are in readings.csv)" : ""
        return .table(title: "Readings" + shown, columns: ["file", "reading", "truth", "status", "lowest"],
                      widths: [0.4, 0.2, 0.2, 0.12, 0.08],
                      rows: readingRows.map { r in
                          [r.file, r.reading.isEmpty ? "—" : r.reading, r.truth ?? "", r.status.rawValue,
                           r.lowest.map { String(format: "%.2f", $0) } ?? ""]
                      })
    }

    /// samples-idx3-ubyte: the 28x28 samples of every digit, in the order of the CSV's digit rows.
    private func writeSamplesIDX() throws {
        let body = folder.file("samples.partial-body")
        let idx = try StagedFile(folder.file("samples-idx3-ubyte"))
        idx.write(IDX.header([sampleCount, 28, 28]))
        if let h = FileHandle(forReadingAtPath: body) {
            while true {
                let chunk = h.readData(ofLength: 1 << 20)
                if chunk.isEmpty { break }
                idx.write(chunk)
            }
            try h.close()
        }
        try idx.commit()
        try FileManager.default.removeItem(atPath: body)
    }

    /// The contents of summary.json.
    func summary(seconds: Double, extra: [String: any Sendable]) -> [String: Any] {
        var summary: [String: Any] = [
            "files": files, "files_read": files - failed, "files_failed": failed, "files_without_digits": withoutDigits,
            "digits": digits, "digits_review": review, "not_digits": notDigits, "seconds": (seconds * 1000).rounded() / 1000,
            "files_per_second": seconds > 0 ? Double(files) / seconds : 0,
            "errors": errors.map { ["file": $0.0, "reason": $0.1] },
        ]
        if labelled > 0 {
            summary["labelled_digits"] = labelled
            summary["correct"] = correct
            summary["accuracy"] = Double(correct) / Double(labelled)
            summary["accepted_accuracy"] = acceptedLabelled == 0 ? nil : Double(acceptedCorrect) / Double(acceptedLabelled)
            summary["files_with_digit_count_unlike_label"] = countMismatches
        }
        if filesLabelled > 0 {
            summary["files_labelled"] = filesLabelled
            summary["files_read_exactly"] = filesExact
        }
        for (k, v) in extra { summary[k] = v }
        return summary
    }
}
