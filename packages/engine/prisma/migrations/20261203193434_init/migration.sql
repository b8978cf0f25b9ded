-- CreateTable
CREATE TABLE "Image" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "config" TEXT NOT NULL,
    "manifestDigest" TEXT,
    "size" BIGINT NOT NULL,
    "created" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Tag" (
    "reference" TEXT NOT NULL PRIMARY KEY,
    "imageId" TEXT NOT NULL,
    "updated" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Container" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "created" DATETIME NOT NULL,
    "data" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Container_name_key" ON "Container"("name");
