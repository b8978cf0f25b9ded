-- CreateTable
CREATE TABLE "Volume" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "driver" TEXT NOT NULL,
    "created" DATETIME NOT NULL,
    "labels" TEXT,
    "options" TEXT
);
