extension IngestBatch {
    /// The samples split into `count` batches by series, every sample of a series in the same
    /// batch and in body order: what lets one registry per shard work on a request in parallel.
    /// Errors and rejections stay with the original batch.
    public func partitioned(into count: Int) -> [IngestBatch] {
        guard count > 1 else { return [self] }
        var parts = (0..<count).map { _ in IngestBatch(maximumErrors: 0) }
        for index in 0..<samples.count {
            let part = Int(identityHashes[index] % UInt64(count))
            let range = identityRange(index)
            parts[part].identityBytes.append(contentsOf: identityBytes[range])
            parts[part].identityEnds.append(parts[part].identityBytes.count)
            parts[part].identityHashes.append(identityHashes[index])
            parts[part].appendSample(samples[index])
        }
        return parts
    }
}
