module.exports = require('../../tools/build/app.webpack.js')('status-page-api');
