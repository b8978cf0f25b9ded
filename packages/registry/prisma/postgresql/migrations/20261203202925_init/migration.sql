-- Names compare in byte order (COLLATE "C"), as in SQLite and as the distribution spec's
-- "lexical order" of tags and repositories means, whatever the database's own collation.

-- CreateTable
CREATE TABLE "Repository" (
    "id" SERIAL NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "created" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Repository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Blob" (
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Blob_pkey" PRIMARY KEY ("digest")
);

-- CreateTable
CREATE TABLE "BlobLink" (
    "repoId" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "linked" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BlobLink_pkey" PRIMARY KEY ("repoId","digest")
);

-- CreateTable
CREATE TABLE "Manifest" (
    "id" SERIAL NOT NULL,
    "repoId" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "artifactType" TEXT,
    "size" BIGINT NOT NULL,
    "subject" TEXT,
    "annotations" TEXT,
    "created" TIMESTAMP(3) NOT NULL,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Manifest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ManifestBlob" (
    "manifestId" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ManifestBlob_pkey" PRIMARY KEY ("manifestId","digest")
);

-- CreateTable
CREATE TABLE "ManifestChild" (
    "parentId" INTEGER NOT NULL,
    "childId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ManifestChild_pkey" PRIMARY KEY ("parentId","childId")
);

-- CreateTable
CREATE TABLE "Tag" (
    "repoId" INTEGER NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "manifestId" INTEGER NOT NULL,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("repoId","name")
);

-- CreateTable
CREATE TABLE "Upload" (
    "id" TEXT NOT NULL,
    "repoId" INTEGER NOT NULL,
    "size" BIGINT NOT NULL,
    "started" TIMESTAMP(3) NOT NULL,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Upload_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "BlobLink" ADD CONSTRAINT "BlobLink_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BlobLink" ADD CONSTRAINT "BlobLink_digest_fkey" FOREIGN KEY ("digest") REFERENCES "Blob"("digest") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Manifest" ADD CONSTRAINT "Manifest_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManifestBlob" ADD CONSTRAINT "ManifestBlob_manifestId_fkey" FOREIGN KEY ("manifestId") REFERENCES "Manifest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManifestBlob" ADD CONSTRAINT "ManifestBlob_digest_fkey" FOREIGN KEY ("digest") REFERENCES "Blob"("digest") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManifestChild" ADD CONSTRAINT "ManifestChild_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Manifest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManifestChild" ADD CONSTRAINT "ManifestChild_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Manifest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_manifestId_fkey" FOREIGN KEY ("manifestId") REFERENCES "Manifest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Upload" ADD CONSTRAINT "Upload_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;
