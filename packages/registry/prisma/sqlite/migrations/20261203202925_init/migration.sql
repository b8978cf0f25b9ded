-- CreateTable
CREATE TABLE "Repository" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "created" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Blob" (
    "digest" TEXT NOT NULL PRIMARY KEY,
    "size" BIGINT NOT NULL,
    "created" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "BlobLink" (
    "repoId" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "linked" DATETIME NOT NULL,

    PRIMARY KEY ("repoId", "digest"),
    CONSTRAINT "BlobLink_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BlobLink_digest_fkey" FOREIGN KEY ("digest") REFERENCES "Blob" ("digest") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Manifest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "repoId" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "artifactType" TEXT,
    "size" BIGINT NOT NULL,
    "subject" TEXT,
    "annotations" TEXT,
    "created" DATETIME NOT NULL,
    "updated" DATETIME NOT NULL,
    CONSTRAINT "Manifest_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ManifestBlob" (
    "manifestId" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("manifestId", "digest"),
    CONSTRAINT "ManifestBlob_manifestId_fkey" FOREIGN KEY ("manifestId") REFERENCES "Manifest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ManifestBlob_digest_fkey" FOREIGN KEY ("digest") REFERENCES "Blob" ("digest") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ManifestChild" (
    "parentId" INTEGER NOT NULL,
    "childId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("parentId", "childId"),
    CONSTRAINT "ManifestChild_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Manifest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ManifestChild_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Manifest" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Tag" (
    "repoId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "manifestId" INTEGER NOT NULL,
    "updated" DATETIME NOT NULL,

    PRIMARY KEY ("repoId", "name"),
    CONSTRAINT "Tag_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Tag_manifestId_fkey" FOREIGN KEY ("manifestId") REFERENCES "Manifest" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Upload" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "repoId" INTEGER NOT NULL,
    "size" BIGINT NOT NULL,
    "started" DATETIME NOT NULL,
    "updated" DATETIME NOT NULL,
    CONSTRAINT "Upload_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Repository_name_key" ON "Repository"("name");

-- CreateIndex
CREATE INDEX "Blob_created_idx" ON "Blob"("created");

-- CreateIndex
CREATE INDEX "BlobLink_digest_linked_idx" ON "BlobLink"("digest", "linked");

-- CreateIndex
CREATE INDEX "Manifest_repoId_subject_artifactType_idx" ON "Manifest"("repoId", "subject", "artifactType");

-- CreateIndex
CREATE INDEX "Manifest_updated_idx" ON "Manifest"("updated");

-- CreateIndex
CREATE UNIQUE INDEX "Manifest_repoId_digest_key" ON "Manifest"("repoId", "digest");

-- CreateIndex
CREATE INDEX "ManifestBlob_digest_idx" ON "ManifestBlob"("digest");

-- CreateIndex
CREATE INDEX "ManifestChild_childId_idx" ON "ManifestChild"("childId");

-- CreateIndex
CREATE INDEX "Tag_manifestId_idx" ON "Tag"("manifestId");

-- CreateIndex
CREATE INDEX "Upload_updated_idx" ON "Upload"("updated");
