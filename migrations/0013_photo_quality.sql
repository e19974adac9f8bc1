-- Photo pixel checks (issue 5): each stored photo's sharpness (variance of the
-- Laplacian) and 64-bit perceptual hash, written by the QC stage with its verdict.
-- Near-duplicates within a job are found through eight 8-bit bands of the hash: two
-- hashes at most 7 bits apart share at least one band exactly, so one index lookup per
-- band (a bitmap OR) yields every candidate, and the exact distance filters them. At
-- millions of photos a band value matches about 1/256 of a job's photos.
create table photo_hashes (
    job_id bigint not null,
    submission_id bigint not null,
    field_key text not null,
    position smallint not null,
    hash bigint not null,
    sharpness double precision not null,
    band0 smallint not null, band1 smallint not null, band2 smallint not null, band3 smallint not null,
    band4 smallint not null, band5 smallint not null, band6 smallint not null, band7 smallint not null,
    primary key (job_id, submission_id, field_key, position),
    foreign key (job_id, submission_id, field_key, position)
        references submission_photos (job_id, submission_id, field_key, position)
);
create index photo_hashes_band0 on photo_hashes (job_id, band0);
create index photo_hashes_band1 on photo_hashes (job_id, band1);
create index photo_hashes_band2 on photo_hashes (job_id, band2);
create index photo_hashes_band3 on photo_hashes (job_id, band3);
create index photo_hashes_band4 on photo_hashes (job_id, band4);
create index photo_hashes_band5 on photo_hashes (job_id, band5);
create index photo_hashes_band6 on photo_hashes (job_id, band6);
create index photo_hashes_band7 on photo_hashes (job_id, band7);
